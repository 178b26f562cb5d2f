using System.Diagnostics;
using System.Text;

namespace SourceSearch.Cli.Tests;

public sealed record CliResult(int ExitCode, string Out, string Error);

public static class CliRunner
{
    /// <summary>Runs the CLI in this process with the given standard input.</summary>
    public static async Task<CliResult> RunWithInputAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, new StringReader(stdin), stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>Starts ./sourcesearch as a real child process (it builds on first use).</summary>
    public static Process Start(params string[] args) => Start(null, args);

    /// <summary>Starts ./sourcesearch as a real child process with these environment variables set too.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(TestPaths.RepoRoot, "sourcesearch"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestPaths.RepoRoot,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        return Process.Start(psi)!;
    }

    /// <summary>Runs ./sourcesearch to the end; stdout as raw bytes so encoding details can be checked.</summary>
    public static Task<(int ExitCode, byte[] Out, string Error)> RunProcessAsync(string? stdin, params string[] args) => RunProcessAsync(stdin, args, null);

    /// <summary>The same, with these environment variables set too.</summary>
    public static async Task<(int ExitCode, byte[] Out, string Error)> RunProcessAsync(string? stdin, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        using var p = Start(environment, args);
        var outTask = Task.Run(async () =>
        {
            using var ms = new MemoryStream();
            await p.StandardOutput.BaseStream.CopyToAsync(ms);
            return ms.ToArray();
        });
        var errTask = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            var bytes = new UTF8Encoding(false).GetBytes(stdin);
            await p.StandardInput.BaseStream.WriteAsync(bytes);
        }
        p.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await outTask, await errTask);
    }
}
