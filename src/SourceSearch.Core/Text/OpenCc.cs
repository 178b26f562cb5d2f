using System.Runtime.InteropServices;
using System.Text;

namespace SourceSearch.Text;

/// <summary>The scripts text can be converted to (BCP 47 tags, as on the command line).</summary>
public enum ChineseScript
{
    /// <summary>Mainland Simplified, Taiwan and Hong Kong vocabulary mapped too (記憶體 → 内存).</summary>
    Hans,
    /// <summary>OpenCC standard Traditional characters.</summary>
    Hant,
    /// <summary>Taiwan standard with Taiwan phrases (软件 → 軟體).</summary>
    TW,
    /// <summary>Hong Kong standard.</summary>
    HK,
}

public static class ChineseScripts
{
    public static readonly IReadOnlyList<string> Tags = ["zh-Hans", "zh-Hant", "zh-TW", "zh-HK"];

    public static bool TryParse(string? tag, out ChineseScript script)
    {
        switch (tag?.Trim().ToLowerInvariant())
        {
            case "zh-hans" or "zh-cn" or "zh-sg" or "s": script = ChineseScript.Hans; return true;
            case "zh-hant" or "t": script = ChineseScript.Hant; return true;
            case "zh-tw": script = ChineseScript.TW; return true;
            case "zh-hk" or "zh-mo": script = ChineseScript.HK; return true;
            default: script = default; return false;
        }
    }

    public static string Tag(this ChineseScript script) => Tags[(int)script];

    /// <summary>The OpenCC configuration that converts any Chinese text to <paramref name="script"/> (zh-Hans: ours, written at first use).</summary>
    internal static string ConfigFile(this ChineseScript script, Func<string> foldConfig) => script switch
    {
        ChineseScript.Hans => foldConfig(),
        ChineseScript.Hant => "s2t.json",
        ChineseScript.TW => "s2twp.json",
        ChineseScript.HK => "s2hk.json",
        _ => throw new ArgumentOutOfRangeException(nameof(script)),
    };
}

/// <summary>Raised when upstream OpenCC (library, configuration or dictionaries) cannot be used.</summary>
public sealed class OpenCcUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    public const string InstallHint = "install the Debian packages: apt-get install libopencc1.1 libopencc-data opencc";
}

/// <summary>
/// Upstream OpenCC 1.1 through P/Invoke. One native handle per configuration, opened on first use
/// and reused; OpenCC's converter is immutable once loaded, so concurrent calls are safe.
/// </summary>
public sealed partial class OpenCcConverter : IDisposable
{
    private const string Library = "libopencc.so.1.1";

    private readonly Lazy<Handle>[] _handles;

    /// <summary>Uses OpenCC's data in <see cref="TextOptions.OpenCcDataDirectory"/>; zh-Hans with the folding configuration
    /// (Taiwan and Hong Kong to Simplified in one pass) written to the cache folder on first use.</summary>
    public OpenCcConverter(TextOptions? options = null)
    {
        options ??= new TextOptions();
        string FoldConfig() => FoldDictionaries.Prepare(options.OpenCcDataDirectory, options.ResolveCacheDirectory()).ConfigPath;
        _handles = new Lazy<Handle>[ChineseScripts.Tags.Count];
        for (int i = 0; i < _handles.Length; i++)
        {
            var script = (ChineseScript)i;
            _handles[i] = new Lazy<Handle>(() => Open(script.ConfigFile(FoldConfig)), LazyThreadSafetyMode.ExecutionAndPublication);
        }
    }

    /// <summary>Converts <paramref name="text"/> to <paramref name="script"/> with upstream OpenCC.</summary>
    public string Convert(string text, ChineseScript script)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return text;
        var handle = _handles[(int)script].Value;
        // OpenCC works on NUL-terminated UTF-8: a NUL would cut the text short, so convert around it.
        if (text.Contains('\0'))
            return string.Join('\0', text.Split('\0').Select(part => Convert(part, script)));
        // Lone surrogates cannot be UTF-8 encoded; the replacement keeps the length unchanged.
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            IntPtr result = Native.opencc_convert_utf8(handle.DangerousGetHandle(), utf8, (nuint)utf8.Length);
            if (result == IntPtr.Zero)
                throw new InvalidOperationException("OpenCC failed to convert the text: " + LastError());
            try { return Marshal.PtrToStringUTF8(result) ?? string.Empty; }
            finally { Native.opencc_convert_utf8_free(result); }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>Opens and closes <paramref name="config"/>: throws <see cref="OpenCcUnavailableException"/> when it cannot be used.</summary>
    internal static void Probe(string config) => Open(config).Dispose();

    /// <summary>Version of the loaded OpenCC library, read from the file the dynamic loader resolves (e.g. 1.1.5).</summary>
    public static string LibraryVersion { get; } = FindLibraryVersion();

    private static string FindLibraryVersion()
    {
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/local/lib", "/usr/lib64" })
        {
            var path = Path.Combine(dir, Library);
            if (!File.Exists(path)) continue;
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.Name ?? Library;
            const string prefix = "libopencc.so.";
            return target.StartsWith(prefix, StringComparison.Ordinal) ? target[prefix.Length..] : target;
        }
        return "1.1";
    }

    private static Handle Open(string config)
    {
        IntPtr raw;
        try
        {
            raw = Native.opencc_open(config);
        }
        catch (DllNotFoundException e)
        {
            throw new OpenCcUnavailableException($"OpenCC library {Library} was not found; {OpenCcUnavailableException.InstallHint}", e);
        }
        if (raw == IntPtr.Zero || raw == new IntPtr(-1))
            throw new OpenCcUnavailableException($"OpenCC could not open configuration {config}: {LastError()}; {OpenCcUnavailableException.InstallHint}");
        return new Handle(raw);
    }

    private static string LastError()
    {
        try { return Marshal.PtrToStringUTF8(Native.opencc_error()) ?? "unknown error"; }
        catch (DllNotFoundException) { return "library missing"; }
    }

    public void Dispose()
    {
        foreach (var h in _handles)
            if (h.IsValueCreated) h.Value.Dispose();
    }

    private sealed class Handle : SafeHandle
    {
        public Handle(IntPtr raw) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(raw);
        public override bool IsInvalid => handle == IntPtr.Zero || handle == new IntPtr(-1);
        protected override bool ReleaseHandle() => Native.opencc_close(handle) == 0;
    }

    private static partial class Native
    {
        [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr opencc_open(string configFileName);

        [LibraryImport(Library)]
        internal static partial int opencc_close(IntPtr opencc);

        [LibraryImport(Library)]
        internal static partial IntPtr opencc_convert_utf8(IntPtr opencc, byte[] input, nuint length);

        [LibraryImport(Library)]
        internal static partial void opencc_convert_utf8_free(IntPtr str);

        [LibraryImport(Library)]
        internal static partial IntPtr opencc_error();
    }
}
