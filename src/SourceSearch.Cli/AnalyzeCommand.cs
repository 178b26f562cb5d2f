using System.CommandLine;
using System.Text.Json;
using SourceSearch.Text;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Cli;

internal static class AnalyzeCommand
{
    public static Command Create(CliIo io)
    {
        var json = new Option<bool>("--json") { Description = "Print {\"tokens\":[{\"term\",\"type\",\"start\",\"end\",\"position\"}]}." };
        var text = new Argument<string?>("text") { Description = "Text to analyse; standard input when absent.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("analyze",
            "Print the tokens the index sees for TEXT, as Lucene sees them: term (characters folded to Simplified, lower case), type (word, bigram, latin, number; " +
            "synonym: the mainland word over a Taiwan word, in Traditional-script text only), start/end offsets into TEXT in UTF-16 code units, and position " +
            "(a Han character or a part of a Latin word each; words, parts and synonyms stand at the position of their first character).")
        { json, text };
        command.SetAction(async (parsed, cancel) =>
        {
            string input = parsed.GetValue(text) ?? await io.In.ReadToEndAsync(cancel);
            using var services = io.Services(parsed);
            var kind = IndexAccess.RequestedTokenizer(services) ?? TokenizerKind.Words;
            var chain = services.Analyzer;
            using var analyzer = new ChainAnalyzer(chain, kind, chain.DetectScript(input) == Script.Traditional);
            var tokens = AnalyzedToken.Read(analyzer, input);
            if (parsed.GetValue(json))
            {
                var payload = new
                {
                    tokens = tokens.Select(t => new { term = t.Term, type = t.Type, start = t.Start, end = t.End, position = t.Position }),
                };
                await io.Out.WriteLineAsync(JsonSerializer.Serialize(payload, CliApp.Json));
            }
            else
            {
                foreach (var t in tokens)
                    await io.Out.WriteLineAsync($"{t.Term}\t{t.Type}\t{t.Start}\t{t.End}\t{t.Position}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
