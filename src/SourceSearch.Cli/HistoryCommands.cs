using System.CommandLine;
using System.Text.Json;
using SourceSearch.Index;

namespace SourceSearch.Cli;

/// <summary>history and restore: the audit log of replaces and deletes, and putting an old version back.</summary>
internal static class HistoryCommands
{
    /// <summary>Who the audit log names for changes made from the command line.</summary>
    internal static readonly Actor CliActor = Actor.CurrentUser("cli");

    public static IEnumerable<Command> Create(CliIo io)
    {
        yield return History(io);
        yield return Restore(io);
    }

    private static Command History(CliIo io)
    {
        var id = new Argument<string?>("id") { Description = "An article's id: its versions, oldest first. Without it, the latest changes to any article.", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit") { Description = "Without an id: show at most this many entries (default 50).", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print the entries as one JSON object." };
        var command = new Command("history",
            "The audit log: every replace, delete and restore of an article (import, delete, the API's PUT and DELETE), with who did it " +
            "(the CLI user, the API's token holder or loopback, and the address), when, and the old version's content hash. " +
            "A version is restorable (see `restore`) for Index:RestoreDays days (default 30); after that its content is purged.")
        { id, limit, json };
        command.SetAction(async (parsed, cancel) =>
        {
            if (parsed.GetValue(limit) < 1)
            {
                await io.Error.WriteLineAsync("sourcesearch: --limit must be at least 1");
                return ExitCodes.UsageOrUnusable;
            }
            using var services = io.Services(parsed);
            using var index = await IndexAccess.OpenAsync(services, create: false, allowMismatch: true, cancel: cancel);
            string? given = parsed.GetValue(id);
            var entries = await index.HistoryAsync(given, parsed.GetValue(limit), cancel);
            int exit = ExitCodes.Success;
            if (given is not null && entries.Count == 0)
            {
                bool exists = await index.GetAsync(given, cancel) is not null;
                await io.Error.WriteLineAsync(exists
                    ? $"sourcesearch: the article '{given}' has never been replaced or deleted"
                    : $"sourcesearch: there is no article '{given}' and no history of one");
                exit = exists ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
                // --json still prints its (empty) document, so a script always has one to parse.
                if (!parsed.GetValue(json)) return exit;
            }
            if (parsed.GetValue(json))
            {
                await io.Out.WriteLineAsync(JsonSerializer.Serialize(new { restoreDays = index.RestoreDays, entries = entries.Select(Dto) }, CliApp.Json));
                return exit;
            }
            if (entries.Count == 0) await io.Out.WriteLineAsync("no article has been replaced or deleted");
            foreach (var e in entries)
                await io.Out.WriteLineAsync(
                    $"{e.Id}  v{e.Version}  {e.Action,-7}  {e.At:yyyy-MM-dd HH:mm:ss}Z  by {e.Who}{(e.Address is { } a ? " from " + a : "")}  " +
                    (e.OldHash is null ? "(nothing was there before)"
                        : $"old {e.OldHash}  {(e.Restorable ? $"restorable: \"{Short(e.Old!.Title)}\", {e.Old.Text.Length} chars" : "purged")}"));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static object Dto(HistoryEntry e) => new
    {
        id = e.Id,
        version = e.Version,
        action = e.Action,
        at = e.At.UtcDateTime.ToString("O"),
        who = e.Who,
        address = e.Address,
        oldHash = e.OldHash,
        restorable = e.Restorable,
        title = e.Restorable ? e.Old!.Title : null,
        length = e.Restorable ? e.Old!.Text.Length : (int?)null,
    };

    private static string Short(string s) => s.Length <= 30 ? s : s[..30] + "…";

    private static Command Restore(CliIo io)
    {
        var id = new Argument<string>("id") { Description = "The article's id, exactly as imported." };
        var version = new Option<int?>("--version") { Description = "The version to put back (see `history ID`; default the latest one kept)." };
        var command = new Command("restore",
            "Put back a replaced or deleted version of an article (default its latest one); the version it replaces is kept in turn. " +
            "Exit 1 when there is nothing to restore: an unknown article or version, a version past Index:RestoreDays days, or one equal to the article as it is.")
        { id, version };
        command.SetAction(async (parsed, cancel) =>
        {
            if (parsed.GetValue(version) is < 1)
            {
                await io.Error.WriteLineAsync("sourcesearch: --version must be a version number from `sourcesearch history ID` (1 or more)");
                return ExitCodes.UsageOrUnusable;
            }
            using var services = io.Services(parsed);
            using var index = await IndexAccess.OpenAsync(services, create: false, cancel: cancel);
            var result = await index.RestoreAsync(parsed.GetValue(id)!, parsed.GetValue(version), CliActor, cancel);
            if (result.Status == RestoreStatus.Restored)
            {
                await io.Out.WriteLineAsync(result.Message);
                return ExitCodes.Success;
            }
            await io.Error.WriteLineAsync("sourcesearch: " + result.Message);
            return ExitCodes.SomeInputsFailed;
        });
        return command;
    }
}
