using System.Text.RegularExpressions;

namespace SourceSearch.Index;

/// <summary>Reads the dates articles come with (2024, 2024-10, 2024-10-15, 2024/10/15, 2024年10月15日) into a sortable key.</summary>
public static partial class DateKeys
{
    [GeneratedRegex(@"^\s*(?<y>[12]\d{3})(?:\s*[-/.年]\s*(?<m>\d{1,2})(?:\s*[-/.月]\s*(?<d>\d{1,2})\s*日?)?\s*月?)?\s*年?")]
    private static partial Regex DatePattern();

    /// <summary>(yyyy[-mm[-dd]], year), or (null, null) when the date cannot be read.</summary>
    public static (string? Key, int? Year) Parse(string? date)
    {
        if (string.IsNullOrWhiteSpace(date)) return (null, null);
        var m = DatePattern().Match(date);
        if (!m.Success) return (null, null);
        int year = int.Parse(m.Groups["y"].Value);
        string key = year.ToString("D4");
        if (m.Groups["m"].Success)
        {
            int month = int.Parse(m.Groups["m"].Value);
            if (month is < 1 or > 12) return (key, year);
            key += "-" + month.ToString("D2");
            if (m.Groups["d"].Success)
            {
                int day = int.Parse(m.Groups["d"].Value);
                if (day is >= 1 and <= 31) key += "-" + day.ToString("D2");
            }
        }
        return (key, year);
    }
}
