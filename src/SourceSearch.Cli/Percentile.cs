namespace SourceSearch.Cli;

/// <summary>Latency percentiles as the benchmarks report them (nearest rank), one definition for all of them.</summary>
internal static class Percentile
{
    /// <summary>The value at rank ⌈p·n⌉ of <paramref name="sorted"/> (ascending), rounded; 0 when there is none.</summary>
    public static double Of(double[] sorted, double p, int digits) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], digits);
}
