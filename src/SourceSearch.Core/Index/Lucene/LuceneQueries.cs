using Lucene.Net.Index;
using Lucene.Net.Search;

namespace SourceSearch.Index.Lucene;

/// <summary>Translates <see cref="IndexQuery"/> into Lucene queries: a term or phrase over several fields is a
/// disjunction whose clauses are boosted by the fields' BM25 weights (their scores add up, as FTS5's bm25 did).</summary>
internal static class LuceneQueries
{
    public static Query Compile(IndexQuery query, FieldWeights weights) => query switch
    {
        IndexQuery.Term t => OverFields(t.Fields, weights, field => new TermQuery(new Term(field, t.Value))),
        IndexQuery.Phrase p => OverFields(p.Fields, weights, field => Phrase(field, p.Terms)),
        IndexQuery.Any any => Bool(any.Clauses.Select(c => (Compile(c, weights), Occur.SHOULD))),
        IndexQuery.All all => Bool(all.Clauses.Select(c => (Compile(c, weights), Occur.MUST))),
        IndexQuery.Ranked r => Bool([(Compile(r.Required, weights), Occur.MUST), (Compile(r.Optional, weights), Occur.SHOULD)]),
        IndexQuery.Not not => Bool([(Compile(not.Positive, weights), Occur.MUST), (Compile(not.Excluded, weights), Occur.MUST_NOT)]),
        _ => throw new ArgumentOutOfRangeException(nameof(query)),
    };

    private static Query Phrase(string field, IReadOnlyList<(string Term, int Position)> terms)
    {
        if (terms.Count == 1) return new TermQuery(new Term(field, terms[0].Term));
        var phrase = new PhraseQuery();
        int first = terms.Min(t => t.Position);
        foreach (var (term, position) in terms) phrase.Add(new Term(field, term), position - first);
        return phrase;
    }

    private static Query OverFields(IndexFields fields, FieldWeights weights, Func<string, Query> make)
    {
        var parts = new List<(Query, Occur)>(3);
        void Add(IndexFields f, string name, double weight)
        {
            if (!fields.HasFlag(f) || weight <= 0) return;
            var q = make(name);
            q.Boost = (float)weight;
            parts.Add((q, Occur.SHOULD));
        }
        Add(IndexFields.Body, LuceneIndex.BodyField, weights.Body);
        // The body field holds the title too (LuceneIndex.WithTitle): the title field alone is for title: queries.
        if (!fields.HasFlag(IndexFields.Body)) Add(IndexFields.Title, LuceneIndex.TitleField, weights.Title);
        Add(IndexFields.Vocabulary, LuceneIndex.VocabularyField, weights.Vocabulary);
        return parts.Count == 1 ? parts[0].Item1 : Bool(parts);
    }

    private static Query Bool(IEnumerable<(Query Query, Occur Occur)> clauses)
    {
        var b = new BooleanQuery(disableCoord: true);
        foreach (var (q, o) in clauses) b.Add(q, o);
        return b;
    }

    /// <summary>
    /// <paramref name="query"/> with every term query's statistics looked up at once, with one terms enumerator per
    /// segment and field, its terms in order. Left to itself each term query makes an enumerator per segment: for a
    /// question of forty words and grams over a server's dozen near-real-time segments that is the greater part of
    /// the query's garbage and a tenth of a loaded server's time.
    /// </summary>
    public static Query WithTermStates(Query query, IndexReaderContext top)
    {
        var terms = new List<Term>();
        Collect(query, terms);
        if (terms.Count < 2) return query;
        var states = new Dictionary<Term, TermContext>();
        foreach (var field in terms.Distinct().GroupBy(t => t.Field))
        {
            var sorted = field.OrderBy(t => t.Bytes).ToList();
            foreach (var t in sorted) states[t] = new TermContext(top);
            foreach (var leaf in top.Leaves)
            {
                var fieldTerms = leaf.AtomicReader.Fields?.GetTerms(field.Key);
                if (fieldTerms is null) continue;
                var e = fieldTerms.GetEnumerator();
                foreach (var t in sorted)
                    if (e.SeekExact(t.Bytes)) states[t].Register(e.GetTermState(), leaf.Ord, e.DocFreq, e.TotalTermFreq);
            }
        }
        return Replace(query, states);
    }

    private static void Collect(Query query, List<Term> terms)
    {
        if (query is TermQuery t) terms.Add(t.Term);
        else if (query is BooleanQuery b) foreach (var c in b.Clauses) Collect(c.Query, terms);
    }

    private static Query Replace(Query query, Dictionary<Term, TermContext> states)
    {
        if (query is TermQuery t) return new TermQuery(t.Term, states[t.Term]) { Boost = t.Boost };
        if (query is BooleanQuery b) foreach (var c in b.Clauses) c.Query = Replace(c.Query, states);
        return query;
    }

    /// <summary>The metadata filter: exact source and author; a date key from <c>From</c> on and up to <c>To</c> at its precision.</summary>
    public static Query Filter(IndexFilters filters)
    {
        var b = new BooleanQuery();
        if (filters.Source is { } source) b.Add(new TermQuery(new Term(LuceneIndex.SourceField, source)), Occur.MUST);
        if (filters.Author is { } author) b.Add(new TermQuery(new Term(LuceneIndex.AuthorField, author)), Occur.MUST);
        if (filters.From is not null || filters.To is not null)
            // "to 2020-12" keeps 2020-12-31: every key that starts with it sorts below it followed by U+FFFF.
            b.Add(TermRangeQuery.NewStringRange(LuceneIndex.DateField, filters.From, filters.To is { } to ? to + "\uffff" : null, true, true), Occur.MUST);
        return b;
    }
}
