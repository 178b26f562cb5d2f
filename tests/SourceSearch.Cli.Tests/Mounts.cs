using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace SourceSearch.Cli.Tests;

/// <summary>
/// Small tmpfs mounts, to give the index a disk that really fills up (ENOSPC → SQLITE_FULL) or really
/// cannot be written (a read-only remount stops root too, unlike chmod). Needs root and a working mount(8).
/// </summary>
internal sealed class TmpFs : IAsyncDisposable
{
    public string Path { get; }

    private TmpFs(string path) => Path = path;

    /// <summary>Why tmpfs mounts cannot be used here, or null when they can.</summary>
    public static string? Unavailable { get; } = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts need Linux";
        string dir = TestPaths.NewTempDirectory();
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir);
        if (code != 0) return $"cannot mount a tmpfs here (needs root and mount(8)): {error.Trim()}";
        Run("umount", dir);
        return null;
    }

    public static TmpFs Mount(string size)
    {
        string dir = TestPaths.NewTempDirectory();
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", dir);
        if (code != 0) throw new InvalidOperationException($"mount tmpfs on {dir}: {error}");
        return new TmpFs(dir);
    }

    /// <summary>mount -o remount,OPTIONS (e.g. "ro", "rw", "size=50m").</summary>
    public void Remount(string options)
    {
        SqliteConnection.ClearAllPools(); // an open handle for writing would make a read-only remount busy
        var (code, error) = Run("mount", "-o", "remount," + options, Path);
        if (code != 0) throw new InvalidOperationException($"remount {options} {Path}: {error}");
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Run("umount", "-l", Path);
        try { Directory.Delete(Path); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    private static (int Code, string Error) Run(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string error = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

/// <summary>A test that needs tmpfs mounts: skipped, saying why, where they cannot be made.</summary>
public sealed class TmpFsFactAttribute : FactAttribute
{
    public TmpFsFactAttribute()
    {
        if (TmpFs.Unavailable is { } reason) Skip = reason;
    }
}
