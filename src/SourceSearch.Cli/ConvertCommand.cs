using System.CommandLine;
using SourceSearch.Text;

namespace SourceSearch.Cli;

internal static class ConvertCommand
{
    public static Command Create(CliIo io)
    {
        var to = new Option<string>("--to")
        {
            Description = "zh-Hans (Simplified characters), zh-Hant (OpenCC standard Traditional), zh-TW (Taiwan standard characters), zh-HK (Hong Kong standard characters).",
            Required = true,
        };
        to.AcceptOnlyFromAmong([.. ChineseScripts.Tags]);
        var vocabulary = new Option<bool>("--vocabulary")
        {
            Description = "Rewrite regional vocabulary too (a rewrite, not a faithful conversion): zh-Hans gives mainland words " +
                "(軟體 → 软件, but also 核心 → 内核), zh-TW Taiwan phrases (软件 → 軟體). Only for zh-Hans and zh-TW.",
        };
        var text = new Argument<string?>("text") { Description = "Text to convert; standard input when absent.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("convert",
            "Convert Chinese text between scripts with upstream OpenCC. Faithful by default: characters change, words never " +
            "(成效显著，核心企业 stays as it is in zh-Hans), and a sentence already in the target script is left as it is.")
        { to, vocabulary, text };
        command.SetAction(async (parsed, cancel) =>
        {
            ChineseScripts.TryParse(parsed.GetValue(to), out var script);
            bool rewrite = parsed.GetValue(vocabulary);
            if (rewrite && !script.HasVocabulary())
            {
                await io.Error.WriteLineAsync($"sourcesearch: --vocabulary works with --to zh-Hans or zh-TW only: OpenCC has no vocabulary table for {script.Tag()}");
                return ExitCodes.UsageOrUnusable;
            }
            using var services = io.Services(parsed);
            var openCc = services.OpenCc;
            string Convert(string s) => rewrite ? openCc.ConvertVocabulary(s, script) : openCc.Convert(s, script);
            if (parsed.GetValue(text) is { } given)
            {
                await io.Out.WriteLineAsync(Convert(given));
                return ExitCodes.Success;
            }
            // Stream standard input in chunks cut after a line break: OpenCC's phrases never span
            // a line, so the output is what converting the whole input at once would give.
            var buffer = new char[1 << 16];
            var pending = new System.Text.StringBuilder();
            int read;
            while ((read = await io.In.ReadAsync(buffer, cancel)) > 0)
            {
                pending.Append(buffer, 0, read);
                int cut = LastLineBreak(pending);
                if (cut < 0) continue;
                string chunk = pending.ToString(0, cut + 1);
                pending.Remove(0, cut + 1);
                await io.Out.WriteAsync(Convert(chunk));
            }
            if (pending.Length > 0) await io.Out.WriteAsync(Convert(pending.ToString()));
            return ExitCodes.Success;
        });
        return command;
    }

    private static int LastLineBreak(System.Text.StringBuilder sb)
    {
        for (int i = sb.Length - 1; i >= 0; i--)
            if (sb[i] == '\n') return i;
        return -1;
    }
}
