using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace SourceSearch.Cli.Tests;

/// <summary>
/// `sourcesearch serve` as a child process on a port of its own choosing (127.0.0.1:0, read back from its
/// "serving" line, so no other test can take the port in between). Disposing kills it if it still runs, so a
/// failing test leaves no server behind.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly StringBuilder _error = new();
    private readonly Task _stderr;

    public Process Process { get; }
    public Uri Address { get; private set; } = null!;
    public Task<string> Stdout { get; }

    /// <summary>What the server wrote to stderr so far.</summary>
    public string Error { get { lock (_error) return _error.ToString(); } }

    private ServeProcess(Process process, TaskCompletionSource<Uri> serving)
    {
        Process = process;
        Stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_error) _error.AppendLine(line);
                if (Serving().Match(line) is { Success: true } m) serving.TrySetResult(new Uri(m.Groups[1].Value));
            }
            serving.TrySetResult(null!);
        });
    }

    [GeneratedRegex(@"^sourcesearch: serving (http://\S+)")]
    private static partial Regex Serving();

    /// <summary>Starts serve and waits until it answers; throws with its stderr when it does not come up.</summary>
    public static Task<ServeProcess> StartAsync(params string[] args) => StartAsync(null, args);

    /// <summary>The same, with these environment variables set for the server.</summary>
    public static async Task<ServeProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var serving = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new ServeProcess(CliRunner.Start(environment, ["serve", "--urls", "http://127.0.0.1:0", .. args]), serving);
        try
        {
            // The first run may build the CLI.
            var address = await serving.Task.WaitAsync(TimeSpan.FromMinutes(4));
            if (address is null)
            {
                await server.Process.WaitForExitAsync();
                throw new InvalidOperationException($"serve did not come up (exit {server.Process.ExitCode}): {server.Error}");
            }
            server.Address = address;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the process to end by itself and for all it wrote to stderr.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cancel.Token);
        await _stderr.WaitAsync(cancel.Token);
    }

    /// <summary>SIGKILL, and waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try { await KillAsync(); }
        catch (InvalidOperationException) { } // never started
        try { await _stderr.WaitAsync(TimeSpan.FromSeconds(10)); } catch (TimeoutException) { }
        Process.Dispose();
    }
}
