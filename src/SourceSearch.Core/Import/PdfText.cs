using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SourceSearch.Import;

/// <summary>.pdf: the text layer as poppler's pdftotext gives it, page breaks (form feeds) as line breaks.</summary>
internal static class PdfText
{
    public const string InstallHint = "install poppler-utils (apt-get install poppler-utils)";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The most text a PDF may give. A small PDF can hold compressed streams that expand to gigabytes of text
    /// (a PDF bomb); pdftotext's output is read up to this and the program stopped past it.
    /// </summary>
    public const int MaxTextChars = 64 * 1024 * 1024;

    public static async Task<string> ReadAsync(string path, string program, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        // A full path, so that a file name starting with '-' is never taken for an option.
        foreach (string arg in (string[])["-enc", "UTF-8", Path.GetFullPath(path), "-"]) start.ArgumentList.Add(arg);

        Process process;
        try { process = Process.Start(start) ?? throw new ReadException($"pdftotext could not be started: {InstallHint}"); }
        catch (Win32Exception) { throw new ReadException($"pdftotext was not found: {InstallHint}"); }

        using (process)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            timeout.CancelAfter(Timeout);
            var output = ReadBoundedAsync(process.StandardOutput, timeout.Token);
            var errors = KeepStartAsync(process.StandardError, 64 * 1024, timeout.Token);
            string text, error;
            try
            {
                // The output first: past the limit it throws, and the program, blocked on a full pipe, is stopped.
                text = await output;
                await process.WaitForExitAsync(timeout.Token);
                error = await errors;
            }
            catch (ReadException)
            {
                await StopAsync(process, errors);
                throw;
            }
            catch (OperationCanceledException)
            {
                await StopAsync(process, errors);
                cancel.ThrowIfCancellationRequested();
                throw new ReadException($"pdftotext took longer than {Timeout.TotalSeconds:0} s");
            }
            if (process.ExitCode != 0)
                throw new ReadException($"pdftotext could not read it (exit {process.ExitCode}): {error.Trim().Split('\n')[0]}");
            text = text.Replace('\f', '\n');
            if (text.AsSpan().Trim().IsEmpty) throw new ReadException("no text layer (a scanned PDF needs OCR first)");
            return text;
        }
    }

    private static async Task StopAsync(Process process, Task<string> errors)
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        try { await errors; } catch (OperationCanceledException) { } // the pipe closes with the process
    }

    /// <summary>Drains a stream to its end but keeps only its start: a program's error output may be endless.</summary>
    private static async Task<string> KeepStartAsync(StreamReader reader, int keep, CancellationToken cancel)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int n;
        while ((n = await reader.ReadAsync(buffer, cancel)) > 0)
            if (text.Length < keep) text.Append(buffer, 0, Math.Min(n, keep - text.Length));
        return text.ToString();
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader, CancellationToken cancel)
    {
        var text = new StringBuilder();
        var buffer = new char[81920];
        int n;
        while ((n = await reader.ReadAsync(buffer, cancel)) > 0)
        {
            if (text.Length + n > MaxTextChars)
                throw new ReadException($"refused: the PDF's text is larger than {MaxTextChars >> 20} M characters — a compressed-file bomb, or a document too large to import");
            text.Append(buffer, 0, n);
        }
        return text.ToString();
    }
}
