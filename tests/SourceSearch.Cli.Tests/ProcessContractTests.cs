using System.Runtime.InteropServices;
using System.Text;

namespace SourceSearch.Cli.Tests;

/// <summary>The root ./sourcesearch script as users and scripts run it: a real child process.</summary>
public sealed partial class ProcessContractTests
{
    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    [Fact]
    public async Task Writes_UTF8_without_byte_order_mark()
    {
        var (code, stdout, error) = await CliRunner.RunProcessAsync(null, "convert", "--to", "zh-TW", "软件");
        Assert.True(code == 0, error);
        Assert.Equal(new UTF8Encoding(false).GetBytes("軟件\n"), stdout);
    }

    [Fact]
    public async Task Usage_error_exits_2()
    {
        var (code, stdout, error) = await CliRunner.RunProcessAsync(null, "convert", "--to", "nope", "x");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("nope", error);
    }

    [Fact]
    public async Task An_unknown_command_is_named_with_the_commands_there_are()
    {
        var r = await CliRunner.RunAsync("frobnicate");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("sourcesearch: unknown command 'frobnicate'; the commands are convert, analyze, import", r.Error);
        Assert.DoesNotContain("Required command", r.Error);
        // An unknown option of a known command is still System.CommandLine's message.
        var option = await CliRunner.RunAsync("check", "--frobnicate");
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("--frobnicate", option.Error);
    }

    [Fact]
    public async Task Script_execs_the_program_so_signals_reach_it()
    {
        using var p = CliRunner.Start("convert", "--to", "zh-Hans"); // waits on standard input
        string exe = Path.Combine(TestPaths.RepoRoot, "artifacts", "cli", "sourcesearch");
        string procExe = $"/proc/{p.Id}/exe";
        var deadline = DateTime.UtcNow.AddMinutes(4); // the first run may build
        string? target = null;
        while (DateTime.UtcNow < deadline && !p.HasExited)
        {
            try { target = File.ResolveLinkTarget(procExe, returnFinalTarget: true)?.FullName; } catch (IOException) { }
            if (target == exe) break;
            await Task.Delay(100);
        }
        Assert.Equal(exe, target); // the script's own process became the program: no shell in between

        Assert.Equal(0, Kill(p.Id, 15)); // SIGTERM to the pid the script started with
        await p.WaitForExitAsync();
        Assert.NotEqual(0, p.ExitCode);
    }
}
