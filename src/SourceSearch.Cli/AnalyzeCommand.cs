using System.CommandLine;
using System.Text.Json;
using SourceSearch.Text;

namespace SourceSearch.Cli;

internal static class AnalyzeCommand
{
    public static Command Create(CliIo io)
    {
        var json = new Option<bool>("--json") { Description = "Print {\"tokens\":[{\"term\",\"type\",\"start\",\"end\"}]}." };
        var text = new Argument<string?>("text") { Description = "Text to analyse; standard input when absent.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("analyze",
            "Print the tokens the index sees for TEXT: term (characters folded to Simplified, lower case), type (word, bigram, latin, number; synonym: the mainland word over a Taiwan word, in Traditional-script text only) and start/end offsets into TEXT in UTF-16 code units.")
        { json, text };
        command.SetAction(async (parsed, cancel) =>
        {
            string input = parsed.GetValue(text) ?? await io.In.ReadToEndAsync(cancel);
            using var services = io.Services(parsed);
            var tokens = services.Analyzer.Analyze(input);
            if (parsed.GetValue(json))
            {
                var payload = new
                {
                    tokens = tokens.Select(t => new { term = t.Term, type = Token.TypeName(t.Type), start = t.Start, end = t.End }),
                };
                await io.Out.WriteLineAsync(JsonSerializer.Serialize(payload, CliApp.Json));
            }
            else
            {
                foreach (var t in tokens)
                    await io.Out.WriteLineAsync($"{t.Term}\t{Token.TypeName(t.Type)}\t{t.Start}\t{t.End}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
