using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using SourceSearch.Text;

namespace SourceSearch.Cli;

/// <summary>Exit codes of the command-line contract.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int SomeInputsFailed = 1;
    public const int UsageOrUnusable = 2;
}

/// <summary>The `sourcesearch` command: parses arguments, runs a command, maps failures to the contract's exit codes.</summary>
public static class CliApp
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        // CJK stays readable; HTML-sensitive characters stay escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    internal static readonly Option<string?> IndexOption = new("--index")
    {
        Description = "Index folder (default: index/, or $SOURCESEARCH_INDEX). The index is DIR/sourcesearch.db.",
        Recursive = true,
    };

    internal static readonly Option<string?> UserDictOption = new("--userdict")
    {
        Description = "User dictionary, one word a line with an optional frequency (default: corpus/userdict.txt when it exists).",
        Recursive = true,
    };

    internal static readonly Option<string?> AnalyzerOption = new("--analyzer")
    {
        Description = "The tokenizer a new index is made with, behind the same folding: words (the default: dictionary+HMM words, CJK bigrams, " +
                      "Latin words and numbers by parts) or smartcn (Lucene's SmartCn words); also $SOURCESEARCH_ANALYZER. An index keeps the one it " +
                      "was made with, and queries use it; to change it, reindex --analyzer NAME.",
        Recursive = true,
    };

    /// <param name="errorIsTerminal">stderr is a terminal: progress is a bar redrawn in place, else plain lines.</param>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancel = default, bool errorIsTerminal = false)
    {
        var root = new RootCommand(
            "SourceSearch: search and question Chinese texts in Traditional and Simplified script.\n" +
            "Exit codes: 0 success; 1 some inputs failed (the rest done); 2 usage error or unusable index or data.");
        root.Options.Add(IndexOption);
        root.Options.Add(UserDictOption);
        AnalyzerOption.AcceptOnlyFromAmong([.. Text.Analysis.TokenizerKinds.Names]);
        root.Options.Add(AnalyzerOption);
        var io = new CliIo(stdin, stdout, stderr, errorIsTerminal);
        root.Subcommands.Add(ConvertCommand.Create(io));
        root.Subcommands.Add(AnalyzeCommand.Create(io));
        foreach (var c in ArticleCommands.Create(io)) root.Subcommands.Add(c);
        foreach (var c in HistoryCommands.Create(io)) root.Subcommands.Add(c);
        root.Subcommands.Add(BackupCommand.Create(io));
        root.Subcommands.Add(SearchCommand.Create(io));
        root.Subcommands.Add(AskCommand.Create(io));
        root.Subcommands.Add(EvalCommand.Create(io));
        root.Subcommands.Add(BenchCommand.Create(io));
        root.Subcommands.Add(ServeCommand.Create(io));

        ParseResult parsed = root.Parse(args);
        // A word that is no command: say that alone (System.CommandLine would first say that no command was given).
        if (parsed.CommandResult.Command == root && parsed.UnmatchedTokens.Count > 0 && !parsed.UnmatchedTokens[0].StartsWith('-'))
        {
            await stderr.WriteLineAsync($"sourcesearch: unknown command '{parsed.UnmatchedTokens[0]}'; the commands are " +
                string.Join(", ", root.Subcommands.Select(c => c.Name)));
            await stderr.WriteLineAsync("Try 'sourcesearch --help'.");
            return ExitCodes.UsageOrUnusable;
        }
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) await stderr.WriteLineAsync($"sourcesearch: {error.Message}");
            await stderr.WriteLineAsync("Try 'sourcesearch --help'.");
            return ExitCodes.UsageOrUnusable;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancel);
        }
        catch (Exception e) when (e is OpenCcUnavailableException or DictionaryUnavailableException or Index.IndexUnusableException or Web.SettingsException)
        {
            await stderr.WriteLineAsync($"sourcesearch: {e.Message}");
            return ExitCodes.UsageOrUnusable;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("sourcesearch: cancelled");
            return 130;
        }
    }

    /// <summary>Configuration overrides from the global options.</summary>
    internal static IEnumerable<KeyValuePair<string, string?>> Overrides(ParseResult parsed)
    {
        if (parsed.GetValue(UserDictOption) is { Length: > 0 } userdict)
            yield return new("Text:UserDictionary", userdict);
        if (parsed.GetValue(IndexOption) is { Length: > 0 } index)
            yield return new("Index", index);
        if (parsed.GetValue(AnalyzerOption) is { Length: > 0 } analyzer)
            yield return new("Analyzer", analyzer);
    }
}

/// <summary>The streams a command reads and writes (the process's, or a test's).</summary>
internal sealed record CliIo(TextReader In, TextWriter Out, TextWriter Error, bool ErrorIsTerminal = false)
{
    public CliServices Services(ParseResult parsed) => new(Error, CliApp.Overrides(parsed));
}
