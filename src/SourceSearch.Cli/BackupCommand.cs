using System.CommandLine;
using SourceSearch.Index;

namespace SourceSearch.Cli;

/// <summary>backup FILE: a consistent copy of the index, safe while the server or an import writes to it.</summary>
internal static class BackupCommand
{
    public static Command Create(CliIo io)
    {
        var file = new Argument<string>("file") { Description = "The new file to write (never overwritten)." };
        var command = new Command("backup",
            "Copy the whole index (articles, search index, history) as it is at one moment to a new SQLite file, safely while the server runs " +
            "or an import writes. To restore: stop the server, put the file in an empty folder as sourcesearch.db, and use that folder as --index " +
            "(or replace the old sourcesearch.db and remove its -wal and -shm files).")
        { file };
        command.SetAction(async (parsed, cancel) =>
        {
            using var services = io.Services(parsed);
            using var index = await IndexAccess.OpenAsync(services, create: false, allowMismatch: true, cancel: cancel);
            string target = parsed.GetValue(file)!;
            try
            {
                await index.BackupAsync(target, cancel);
            }
            catch (IOException e)
            {
                await io.Error.WriteLineAsync("sourcesearch: " + e.Message);
                return ExitCodes.UsageOrUnusable;
            }
            await io.Out.WriteLineAsync($"backed up {index.DatabasePath} to {target} ({new FileInfo(target).Length / 1e6:0.0} MB)");
            return ExitCodes.Success;
        });
        return command;
    }
}
