using System.CommandLine;
using SourceSearch.Text;

namespace SourceSearch.Cli;

internal static class ConvertCommand
{
    public static Command Create(CliIo io)
    {
        var to = new Option<string>("--to")
        {
            Description = "zh-Hans (mainland Simplified with vocabulary: 記憶體 → 内存), zh-Hant (OpenCC standard Traditional), zh-TW (Taiwan, with phrases: 软件 → 軟體), zh-HK (Hong Kong).",
            Required = true,
        };
        to.AcceptOnlyFromAmong([.. ChineseScripts.Tags]);
        var text = new Argument<string?>("text") { Description = "Text to convert; standard input when absent.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("convert", "Convert Chinese text between scripts with upstream OpenCC.") { to, text };
        command.SetAction(async (parsed, cancel) =>
        {
            ChineseScripts.TryParse(parsed.GetValue(to), out var script);
            using var services = io.Services(parsed);
            var openCc = services.OpenCc;
            if (parsed.GetValue(text) is { } given)
            {
                await io.Out.WriteLineAsync(openCc.Convert(given, script));
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
                await io.Out.WriteAsync(openCc.Convert(chunk, script));
            }
            if (pending.Length > 0) await io.Out.WriteAsync(openCc.Convert(pending.ToString(), script));
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
