namespace SourceSearch.Search;

/// <summary>Which articles a clause looks at.</summary>
public enum ClauseField { Any, Title }

/// <summary>A piece of the query: free text (any of its words, ranked) or an exact phrase; maybe negated.</summary>
public sealed record QueryClause(string Text, bool IsPhrase, ClauseField Field, bool Negated);

/// <summary>The query as parsed: groups that must all match, each a list of alternatives (OR), and filters.</summary>
public sealed record ParsedQuery(
    IReadOnlyList<IReadOnlyList<QueryClause>> Groups,
    string? Source, string? Author, string? From, string? To,
    IReadOnlyList<Notice> Notices)
{
    public bool HasOperators => Groups.Any(g => g.Count > 1 || g.Any(c => c.IsPhrase || c.Negated || c.Field != ClauseField.Any));
}

/// <summary>
/// Parses what users type into a search box: words, "exact phrases", -excluded, OR, title:…,
/// source:…, author:…, from:YYYY[-MM[-DD]], to:…. Never throws: what cannot be read is searched as
/// text or dropped with a notice that says so.
/// </summary>
public static class QueryParser
{
    private static readonly string[] Fields = ["title", "source", "author", "from", "to"];

    public static ParsedQuery Parse(string query)
    {
        var notices = new List<Notice>();
        var groups = new List<List<QueryClause>>();
        string? source = null, author = null, from = null, to = null;
        bool pendingOr = false;
        int i = 0;
        string q = query ?? "";

        while (true)
        {
            while (i < q.Length && IsSpace(q[i])) i++;
            if (i >= q.Length) break;

            // OR (or |) joins the next clause to the previous group.
            if (q[i] == '|' || (string.CompareOrdinal(q, i, "OR", 0, 2) == 0 && (i + 2 >= q.Length || IsSpace(q[i + 2]))))
            {
                if (groups.Count == 0) notices.Add(Notice.OrWithoutLeft());
                else pendingOr = true;
                i += q[i] == '|' ? 1 : 2;
                continue;
            }

            bool negated = false;
            if ((q[i] == '-' || q[i] == '－') && i + 1 < q.Length && !IsSpace(q[i + 1]) && (i == 0 || IsSpace(q[i - 1])))
            {
                negated = true;
                i++;
            }

            string? field = null;
            int colon = FieldColon(q, i);
            if (colon > 0)
            {
                field = q[i..colon].ToLowerInvariant();
                i = colon + 1;
            }

            string text;
            bool phrase = false;
            if (i < q.Length && q[i] is '"' or '“' or '”' or '「' or '『')
            {
                char close = q[i] switch { '「' => '」', '『' => '』', _ => '\0' };
                int end = close == '\0' ? q.IndexOfAny(['"', '“', '”'], i + 1) : q.IndexOf(close, i + 1);
                if (end < 0)
                {
                    notices.Add(Notice.QuoteNotClosed());
                    text = q[(i + 1)..];
                    i = q.Length;
                }
                else
                {
                    text = q[(i + 1)..end];
                    phrase = true;
                    i = end + 1;
                }
            }
            else
            {
                int start = i;
                while (i < q.Length && !IsSpace(q[i])) i++;
                text = q[start..i];
            }
            if (text.Trim().Length == 0)
            {
                if (negated || field is not null) notices.Add(Notice.OperatorWithoutTerm($"{(negated ? "-" : "")}{field}{(field is null ? "" : ":")}"));
                continue;
            }

            switch (field)
            {
                case "source": source = text.Trim(); continue;
                case "author": author = text.Trim(); continue;
                case "from": from = ReadDate(text, notices, "from"); continue;
                case "to": to = ReadDate(text, notices, "to"); continue;
            }
            var clause = new QueryClause(text, phrase, field == "title" ? ClauseField.Title : ClauseField.Any, negated);
            if (pendingOr && !negated && groups.Count > 0) groups[^1].Add(clause);
            else groups.Add([clause]);
            pendingOr = false;
        }
        if (pendingOr) notices.Add(Notice.OrWithoutRight());
        return new ParsedQuery(groups, source, author, from, to, notices);
    }

    private static string? ReadDate(string text, List<Notice> notices, string name)
    {
        var (key, _) = Index.DateKeys.Parse(text);
        if (key is null) notices.Add(Notice.FieldNotADate(name, text));
        return key;
    }

    // "title:" and the like at i: the index of the colon, or -1 when this is not a known field.
    private static int FieldColon(string q, int i)
    {
        foreach (var f in Fields)
            if (i + f.Length < q.Length && string.Compare(q, i, f, 0, f.Length, StringComparison.OrdinalIgnoreCase) == 0
                && q[i + f.Length] is ':' or '：')
                return i + f.Length;
        return -1;
    }

    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || c == '\u3000';
}
