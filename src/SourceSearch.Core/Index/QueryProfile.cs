using System.Diagnostics;

namespace SourceSearch.Index;

/// <summary>What the index reads for a search, by stage.</summary>
public enum ReadStage { Match, Docs, Texts }

/// <summary>
/// Time spent in SQLite per read stage, summed over the process (for `bench queries`: where a query's
/// time goes). Counting costs two timestamps per statement.
/// </summary>
public static class QueryProfile
{
    private static readonly long[] Ticks = new long[3];
    private static readonly long[] Calls = new long[3];

    internal static void Add(ReadStage stage, long startTimestamp)
    {
        Interlocked.Add(ref Ticks[(int)stage], Stopwatch.GetTimestamp() - startTimestamp);
        Interlocked.Increment(ref Calls[(int)stage]);
    }

    public static void Reset()
    {
        for (int i = 0; i < Ticks.Length; i++) { Interlocked.Exchange(ref Ticks[i], 0); Interlocked.Exchange(ref Calls[i], 0); }
    }

    /// <summary>Milliseconds and statements per stage since the last reset.</summary>
    public static IReadOnlyDictionary<ReadStage, (double Ms, long Calls)> Snapshot() =>
        Enum.GetValues<ReadStage>().ToDictionary(s => s, s => (Interlocked.Read(ref Ticks[(int)s]) * 1000.0 / Stopwatch.Frequency, Interlocked.Read(ref Calls[(int)s])));
}
