using System.Runtime.InteropServices;
using System.Text;

namespace SourceSearch.Text;

/// <summary>The scripts text can be converted to (BCP 47 tags, as on the command line).</summary>
public enum ChineseScript
{
    /// <summary>Simplified characters (Taiwan and Hong Kong variant characters too); with the vocabulary rewrite, mainland words (記憶體 → 内存).</summary>
    Hans,
    /// <summary>OpenCC standard Traditional characters.</summary>
    Hant,
    /// <summary>Taiwan standard characters; with the vocabulary rewrite, Taiwan phrases (软件 → 軟體).</summary>
    TW,
    /// <summary>Hong Kong standard characters.</summary>
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

    /// <summary>Whether a vocabulary rewrite exists for <paramref name="script"/> (OpenCC has phrase tables for mainland and Taiwan only).</summary>
    public static bool HasVocabulary(this ChineseScript script) => script is ChineseScript.Hans or ChineseScript.TW;
}

/// <summary>Raised when upstream OpenCC (library, configuration or dictionaries) cannot be used.</summary>
public sealed class OpenCcUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    public const string InstallHint = "install the Debian packages: apt-get install libopencc1.1 libopencc-data opencc";
}

/// <summary>
/// Upstream OpenCC 1.1 through P/Invoke. One native handle per configuration, opened on first use
/// and reused; OpenCC's converter is immutable once loaded, so concurrent calls are safe.
/// <para>
/// <see cref="Convert(string, ChineseScript)"/> is faithful, for everything a person reads: it
/// changes characters, never words, and leaves text already in the target script as it is. Each
/// sentence is converted from the script it is written in (a Traditional sentence to zh-TW goes
/// through t2tw, not s2tw, which would turn the 台 of 台灣 into 臺). The vocabulary rewrite
/// (<see cref="ConvertVocabulary"/>) swaps regional words and is offered only where asked for.
/// </para>
/// </summary>
public sealed partial class OpenCcConverter : IDisposable
{
    private const string Library = "libopencc.so.1.1";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Handle>> _handles = new(StringComparer.Ordinal);
    private readonly Lazy<FoldDictionaries.Data> _data;
    private readonly Lazy<ScriptDetector> _detector;

    /// <summary>Uses OpenCC's data in <see cref="TextOptions.OpenCcDataDirectory"/>; zh-Hans with the folding configuration
    /// (Traditional, Taiwan and Hong Kong characters to Simplified) written to the cache folder on first use.</summary>
    public OpenCcConverter(TextOptions? options = null)
    {
        options ??= new TextOptions();
        _data = new Lazy<FoldDictionaries.Data>(() => FoldDictionaries.Prepare(options.OpenCcDataDirectory, options.ResolveCacheDirectory()));
        _detector = new Lazy<ScriptDetector>(() => ScriptDetector.Load(_data.Value.Files["TSCharacters"], _data.Value.Files["STCharacters"]));
    }

    /// <summary>
    /// Converts <paramref name="text"/> to <paramref name="script"/> faithfully: characters only, and a
    /// sentence already written in the target script is left as it is (see the class remarks).
    /// </summary>
    public string Convert(string text, ChineseScript script)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return text;
        var detector = _detector.Value;
        var whole = detector.Detect(text);
        var sb = new System.Text.StringBuilder(text.Length);
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && !EndsSentence(text[i])) continue;
            int end = Math.Min(i + 1, text.Length);
            if (end > start)
            {
                var sentence = text.AsSpan(start, end - start);
                // A sentence with no character of one script only (乾燥的乾隆, 台北) is taken in the script of the whole text.
                var from = detector.Detect(sentence);
                string? config = FaithfulConfig(from == Script.Unknown ? whole : from, script);
                if (config is null) sb.Append(sentence);
                else sb.Append(ConvertWith(sentence.ToString(), config));
            }
            start = end;
        }
        return sb.ToString();
    }

    /// <summary>
    /// The vocabulary rewrite: to zh-Hans mainland words (軟體 → 软件, but also 核心 → 内核), to zh-TW
    /// Taiwan phrases (软件 → 軟體). It changes what the text says: never for display beside a citation.
    /// </summary>
    public string ConvertVocabulary(string text, ChineseScript script)
    {
        ArgumentNullException.ThrowIfNull(text);
        return script switch
        {
            ChineseScript.Hans => ConvertWith(text, _data.Value.VocabularyConfigPath),
            ChineseScript.TW => ConvertWith(text, "s2twp.json"),
            _ => throw new ArgumentException($"there is no vocabulary rewrite to {script.Tag()}: OpenCC has regional phrase tables for zh-Hans and zh-TW only", nameof(script)),
        };
    }

    private static bool EndsSentence(char c) => c is '\n' or '。' or '！' or '？' or '；' or '!' or '?' or ';';

    // The configuration that converts a sentence written in `from` to `to`, or null when it is left as it is.
    // Text with no character of one script only reads the same in both, but to Simplified its one-to-many
    // characters still get OpenCC's choice by phrase (乾燥 → 干燥, 乾隆 stays); to Traditional it is left
    // as it is (s2t would turn the 台 of 台北 into 臺).
    private string? FaithfulConfig(Script from, ChineseScript to) => (from, to) switch
    {
        (Script.Simplified, ChineseScript.Hans) => null,
        (Script.Unknown, ChineseScript.Hans) => _data.Value.ConfigPath,
        (Script.Unknown, _) => null,
        (Script.Traditional, ChineseScript.Hant) => null,
        (_, ChineseScript.Hans) => _data.Value.ConfigPath,
        (Script.Traditional, ChineseScript.TW) => "t2tw.json",
        (Script.Traditional, ChineseScript.HK) => "t2hk.json",
        (_, ChineseScript.Hant) => "s2t.json",
        (_, ChineseScript.TW) => "s2tw.json",
        (_, ChineseScript.HK) => "s2hk.json",
        _ => throw new ArgumentOutOfRangeException(nameof(to)),
    };

    /// <summary>Converts <paramref name="text"/> with upstream OpenCC and the configuration <paramref name="config"/> (a file name in OpenCC's data folder, or a path).</summary>
    internal string ConvertWith(string text, string config)
    {
        if (text.Length == 0) return text;
        var handle = _handles.GetOrAdd(config, c => new Lazy<Handle>(() => Open(c), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        // OpenCC works on NUL-terminated UTF-8: a NUL would cut the text short, so convert around it.
        if (text.Contains('\0'))
            return string.Join('\0', text.Split('\0').Select(part => ConvertWith(part, config)));
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
        foreach (var h in _handles.Values)
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
