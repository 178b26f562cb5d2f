namespace SourceSearch.Text;

/// <summary>How an English key was found in a gloss; phrases of a question match only whole keys.</summary>
internal enum GlossMatch : byte
{
    /// <summary>The whole gloss: "artificial intelligence" of 人工智能, "point" of "a point (in sports or games)".</summary>
    Whole,
    /// <summary>The gloss before its first comma or its leading name: "Beijing" of "Beijing, capital of …", "Suzhou" of "Suzhou prefecture level city in Jiangsu".</summary>
    Head,
    /// <summary>The last word of a two- or three-word name: "Tesla" of "Nikola Tesla".</summary>
    Surname,
    /// <summary>One content word of a short gloss: "defense" of 国防 "national defense".</summary>
    Word,
}

internal readonly record struct GlossPosting(int Entry, float Score, GlossMatch Match);

/// <summary>
/// The inverted index from English to CC-CEDICT entries: every usable gloss gives keys (the whole
/// gloss, its head, a name's surname, its content words), scored by how much of the gloss the key is
/// and how early the sense comes. Glosses that only point elsewhere ("variant of …", "see …",
/// "surname Su", "CL:个", "classifier for …") give no keys.
/// </summary>
internal sealed class GlossIndex
{
    public const int MaxKeyWords = 6;
    private const int MaxWordsForWordKeys = 8;

    // Built in shards of the entries, one per core, and looked up in each: no merge step at load.
    private readonly Shard[] _shards;

    public GlossIndex(Cedict cedict)
    {
        int count = Math.Clamp(Environment.ProcessorCount, 1, 8);
        _shards = new Shard[count];
        int size = (cedict.Entries.Count + count - 1) / count;
        int total = cedict.Entries.Count;
        Parallel.For(0, count, k => _shards[k] = new Shard(cedict.Entries, Math.Min(total, k * size), Math.Min(total, (k + 1) * size)));
    }

    public List<GlossPosting> Find(ReadOnlySpan<char> key)
    {
        var found = new List<GlossPosting>();
        foreach (var shard in _shards) shard.Find(key, found);
        return found;
    }

    /// <summary>Later senses are rarer meanings of the headword: 点 is first "point", 分 only in its 11th sense.</summary>
    private static float SenseFactor(int sense) => 1f / (1f + 0.15f * sense);

    // AI, NFL, MP3: capitals and digits, at least two capitals, a capital first.
    private static bool IsAcronym(ReadOnlySpan<char> note)
    {
        if (note.Length is < 2 or > 8 || !char.IsAsciiLetterUpper(note[0])) return false;
        int letters = 0;
        foreach (char c in note)
        {
            if (char.IsAsciiLetterUpper(c)) letters++;
            else if (!char.IsAsciiDigit(c)) return false;
        }
        return letters >= 2;
    }

    private static bool IsMarked(ReadOnlySpan<char> gloss) =>
        gloss.Contains("slang)", StringComparison.Ordinal) || gloss.Contains("(old)", StringComparison.Ordinal)
        || gloss.Contains("archaic", StringComparison.Ordinal) || gloss.Contains("(literary", StringComparison.Ordinal)
        || gloss.Contains("(classical", StringComparison.Ordinal) || gloss.Contains("dialect", StringComparison.Ordinal)
        || gloss.Contains("(Cantonese", StringComparison.Ordinal) || gloss.Contains("(vulgar", StringComparison.Ordinal)
        || gloss.Contains("(obsolete", StringComparison.Ordinal) || gloss.Contains("(derog", StringComparison.Ordinal)
        || gloss.Contains("Kangxi radical", StringComparison.Ordinal);

    internal static bool IsPointer(string gloss) =>
        gloss.StartsWith("CL:", StringComparison.Ordinal)
        || gloss.StartsWith("see ", StringComparison.Ordinal)
        || gloss.Contains("variant of ", StringComparison.Ordinal)
        || gloss.StartsWith("surname ", StringComparison.Ordinal)
        || gloss.StartsWith("classifier ", StringComparison.Ordinal)
        || gloss.StartsWith("abbr. for ", StringComparison.Ordinal) || gloss.StartsWith("abbr. of ", StringComparison.Ordinal)
        || gloss.StartsWith("used in ", StringComparison.Ordinal) || gloss.StartsWith("also pr. ", StringComparison.Ordinal)
        || gloss.StartsWith("pr. ", StringComparison.Ordinal) || gloss.StartsWith("also written ", StringComparison.Ordinal)
        || gloss.StartsWith("(onom.)", StringComparison.Ordinal) || gloss.Contains("radical in Chinese characters", StringComparison.Ordinal)
        || (gloss.StartsWith("radical ", StringComparison.Ordinal) && gloss.Contains("Kangxi", StringComparison.Ordinal))
        || gloss.StartsWith("(old)", StringComparison.Ordinal) || gloss.StartsWith("(archaic)", StringComparison.Ordinal);

    private sealed class Shard
    {
        // Postings of a key are a chain through _next from the newest (few objects: loading stays fast).
        private readonly Dictionary<string, int> _newest;
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private GlossPosting[] _postings;
        private int[] _next;
        private int _count;
        private readonly WordRun _run = new();

        public Shard(IReadOnlyList<CedictEntry> entries, int from, int to)
        {
            _newest = new Dictionary<string, int>((to - from) * 2, StringComparer.Ordinal); // about two keys an entry
            _lookup = _newest.GetAlternateLookup<ReadOnlySpan<char>>();
            _postings = new GlossPosting[Math.Max(16, (to - from) * 6)];
            _next = new int[_postings.Length];
            for (int e = from; e < to; e++)
            {
                var entry = entries[e];
                if (!entry.Simplified.Any(c => CharClass.IsHan(c))) continue; // "3C", "A": Latin headwords add nothing to a Chinese query
                int sense = 0;
                foreach (var raw in entry.Glosses)
                {
                    if (IsPointer(raw)) continue;
                    AddGloss(e, entry.ProperNoun, raw, SenseFactor(sense++));
                }
            }
        }

        public void Find(ReadOnlySpan<char> key, List<GlossPosting> found)
        {
            if (!_lookup.TryGetValue(key, out int at)) return;
            for (; at >= 0; at = _next[at]) found.Add(_postings[at]);
        }

        private void AddGloss(int entry, bool properNoun, string raw, float weight)
        {
            var gloss = raw.AsSpan();
            if (gloss.StartsWith("lit. ")) { gloss = gloss[5..]; weight *= 0.5f; }    // the literal reading of an idiom
            else if (gloss.StartsWith("fig. ")) gloss = gloss[5..];
            // Slang, dialect and old words are not what an article says: 腐国 is "(slang) the UK".
            if (gloss.Contains('(') && IsMarked(gloss)) weight *= 0.5f;
            var run = _run;
            run.Cut(gloss, gloss: true);
            int count = run.Count;
            if (count == 0) return;

            // "to" of a verb or an article in front: "to sack sb" is "sack", "a point" is "point", "to be missing"
            // is "missing" (but "to the point" stays).
            int first = run[0] is "to" ? (count > 2 && run[1] is "be" ? 2 : 1) : run[0] is "a" or "an" or "the" ? 1 : 0;
            if (first == count) return;
            int n = count - first;
            if (n <= MaxKeyWords) Add(run.Span(first, count - 1), entry, weight, GlossMatch.Whole);

            // The head: up to the first comma ("Beijing, capital of …").
            int comma = -1;
            for (int k = first + 1; k < count && comma < 0; k++) if (run.Words[k].BreakBefore) comma = k;
            if (comma > 0 && comma - first <= MaxKeyWords) Add(run.Span(first, comma - 1), entry, 0.9f * weight, GlossMatch.Head);

            // An acronym in a note names the whole: "artificial intelligence (AI)".
            for (int open = gloss.IndexOf('('); open >= 0; )
            {
                var rest = gloss[(open + 1)..];
                int close = rest.IndexOf(')');
                if (close < 0) break;
                var note = rest[..close];
                if (IsAcronym(note)) Add(note, entry, 0.9f * weight, GlossMatch.Whole);
                int next = rest[(close + 1)..].IndexOf('(');
                open = next < 0 ? -1 : open + 1 + close + 1 + next;
            }

            // A name: the capitalised words it starts with ("Suzhou prefecture level city", "Nikola Tesla, Serbian inventor").
            if (properNoun)
            {
                int name = 0;
                while (name < count && run.Words[name].Case is WordCase.Capitalised or WordCase.Acronym && (name == 0 || !run.Words[name].BreakBefore)) name++;
                // "Suzhou prefecture level city" names Suzhou; "Eastern or later Han" and "John von Neumann" name no Eastern, no John.
                bool named = name < count && !run.Words[name].BreakBefore && !EnglishWords.IsStopWord(run[name]);
                if (name > 0 && named && name <= MaxKeyWords && (comma < 0 || name < comma))
                    Add(run.Span(0, name - 1), entry, 0.5f * weight, GlossMatch.Head);
                if (name is 2 or 3 && run[name - 1].Length > 2 && (comma < 0 || name <= comma)) Add(run[name - 1], entry, 0.45f * weight, GlossMatch.Surname);
            }

            // Content words of a short gloss, sharing the gloss's weight.
            if (n > 1 && n <= MaxWordsForWordKeys)
            {
                Span<int> content = stackalloc int[MaxWordsForWordKeys];
                int c = 0;
                for (int k = first; k < count; k++)
                {
                    var w = run[k];
                    if (w.Length < 2 || run.Words[k].Case == WordCase.Number || EnglishWords.IsStopWord(w)) continue;
                    bool seen = false;
                    for (int j = 0; j < c && !seen; j++) seen = run[content[j]].SequenceEqual(w);
                    if (!seen) content[c++] = k;
                }
                for (int j = 0; j < c; j++) Add(run[content[j]], entry, 0.4f * weight / c, GlossMatch.Word);
            }
        }

        private void Add(ReadOnlySpan<char> key, int entry, float score, GlossMatch match)
        {
            if (!_lookup.TryGetValue(key, out int newest)) newest = -1;
            // An entry's keys are added one after the other: a repeat is the key's newest posting.
            else if (_postings[newest].Entry == entry)
            {
                if (_postings[newest].Score < score) _postings[newest] = new GlossPosting(entry, score, match);
                return;
            }
            if (_count == _postings.Length)
            {
                Array.Resize(ref _postings, _count * 2);
                Array.Resize(ref _next, _count * 2);
            }
            _postings[_count] = new GlossPosting(entry, score, match);
            _next[_count] = newest;
            _lookup[key] = _count++;
        }
    }
}
