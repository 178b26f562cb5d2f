using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using SourceSearch.Text.Analysis;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace SourceSearch.Index.Lucene;

/// <summary>The full-text index's files cannot be read: it is rebuilt from the store.</summary>
public sealed class FullTextIndexDamagedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// The full-text index on Lucene.Net 4.8: a document per passage with its analysed body, the article's
/// title, the regional-vocabulary synonyms, and the article's number, span and metadata for filters.
/// <para>
/// The directory is opened as <see cref="NIOFSDirectory"/>, never through FSDirectory.Open: on Linux x64 that
/// picks MMapDirectory, which under concurrent searches through SearcherManager can crash the process
/// (Lucene.Net #1013, fixed after beta00017) and slows down with more cores (#1151).
/// </para>
/// <para>
/// One process holds the write lock: it adds, deletes, refreshes near-real-time readers and commits. Another
/// process opening the same folder gets a reader of the commits (<see cref="IsWriter"/> false) and writes only
/// to the store, whose changes the writer replays.
/// </para>
/// </summary>
public sealed class LuceneIndex : IFullTextIndex
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    internal const string DocField = "doc", StartField = "start", EndField = "end";
    internal const string BodyField = "body", TitleField = "title", VocabularyField = "vocab";
    internal const string SourceField = "source", AuthorField = "author", DateField = "date";
    private const string SequenceKey = "sequence", AnalysisKey = "analysis";

    private static readonly FieldType Analysed = CreateAnalysed();

    // A question of 2,000 characters compiles to a few thousand clauses (its words, grams and their fields);
    // Lucene's default of 1,024 would refuse it.
    static LuceneIndex() => BooleanQuery.MaxClauseCount = 1 << 16;

    private readonly LuceneDirectory _directory;
    private readonly IndexWriter? _writer;
    private readonly SearcherManager _searchers;
    private readonly object _commitLock = new();

    public string Folder { get; }
    public bool IsWriter => _writer is not null;
    public long CommittedSequence { get; private set; }
    public string? CommittedAnalysis { get; private set; }

    private LuceneIndex(string folder, LuceneDirectory directory, IndexWriter? writer)
    {
        Folder = folder;
        _directory = directory;
        _writer = writer;
        var factory = new Bm25SearcherFactory();
        _searchers = writer is not null ? new SearcherManager(writer, true, factory) : new SearcherManager(directory, factory);
        ReadCommitData();
    }

    /// <summary>
    /// Opens (creating) the index in <paramref name="folder"/>: as its writer when no other process holds the
    /// write lock (or when <paramref name="mustWrite"/>, waiting for it up to Lucene's timeout), else as a reader of its commits.
    /// </summary>
    public static LuceneIndex Open(string folder, bool mustWrite = false)
    {
        System.IO.Directory.CreateDirectory(folder);
        if (!mustWrite && !CanWrite(folder)) return OpenReader(folder);
        var directory = new NIOFSDirectory(new DirectoryInfo(folder));
        try
        {
            var config = new IndexWriterConfig(Version, new global::Lucene.Net.Analysis.Core.KeywordAnalyzer())
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = new PassageSimilarity(), // norms are encoded as the similarity that reads them expects
                RAMBufferSizeMB = 128,
                WriteLockTimeout = mustWrite ? 10_000 : 0,
            };
            IndexWriter writer;
            try { writer = new IndexWriter(directory, config); }
            catch (LockObtainFailedException) when (!mustWrite && DirectoryReader.IndexExists(directory))
            {
                return new LuceneIndex(folder, directory, null);
            }
            // A new index gets a first commit, so readers in other processes can open it.
            if (!DirectoryReader.IndexExists(directory)) writer.Commit();
            return new LuceneIndex(folder, directory, writer);
        }
        catch (Exception e) when (e is CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException or EndOfStreamException
                                   or FileNotFoundException or System.IO.DirectoryNotFoundException)
        {
            directory.Dispose();
            throw new FullTextIndexDamagedException($"the full-text index in {folder} cannot be read ({e.Message})", e);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Opens the last commit for reading only (a read-only folder).</summary>
    public static LuceneIndex OpenReader(string folder)
    {
        var directory = new NIOFSDirectory(new DirectoryInfo(folder));
        try
        {
            if (!DirectoryReader.IndexExists(directory))
                throw new FullTextIndexDamagedException($"there is no full-text index in {folder} to read (the folder is read-only: make it writable and start once to build it)",
                    new FileNotFoundException(folder));
            return new LuceneIndex(folder, directory, null);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    // A probe file: Lucene's write lock cannot be taken in a folder that cannot be written.
    private static bool CanWrite(string folder)
    {
        string probe = Path.Combine(folder, ".probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    private void ReadCommitData()
    {
        if (!DirectoryReader.IndexExists(_directory)) return;
        var infos = new SegmentInfos();
        infos.Read(_directory);
        var data = infos.UserData;
        CommittedSequence = data.TryGetValue(SequenceKey, out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;
        CommittedAnalysis = data.TryGetValue(AnalysisKey, out var a) ? a : null;
    }

    private IndexWriter Writer => _writer ?? throw new InvalidOperationException("another process holds the full-text index's write lock");

    public void Add(IndexedArticle article)
    {
        var slots = t_slots ??= [];
        while (slots.Count < article.Passages.Count) slots.Add(new PassageFields());
        var docs = new List<IEnumerable<IIndexableField>>(article.Passages.Count);
        for (int i = 0; i < article.Passages.Count; i++) docs.Add(slots[i].Fill(article, article.Passages[i]));
        // An article's passages go in together (one block: never half an article in a segment).
        Writer.AddDocuments(docs);
        _unseen = true;
    }

    // Each indexing thread's fields, filled anew for every passage: a new field (with its token stream) per document
    // took a process-wide lock in Lucene's attribute factory for every attribute, and the threads queued on it.
    [ThreadStatic] private static List<PassageFields>? t_slots;

    private sealed class PassageFields
    {
        private readonly StringField _doc = new(DocField, "", Field.Store.NO);
        private readonly NumericDocValuesField _docValue = new(DocField, 0), _start = new(StartField, 0), _end = new(EndField, 0);
        private readonly TokenListStream _bodyTokens = new(), _titleTokens = new(), _vocabularyTokens = new();
        private readonly Field _body, _title, _vocabulary;
        private readonly StringField _source = new(SourceField, "", Field.Store.NO), _author = new(AuthorField, "", Field.Store.NO),
            _date = new(DateField, "", Field.Store.NO);

        public PassageFields()
        {
            _body = new Field(BodyField, _bodyTokens, Analysed);
            _title = new Field(TitleField, _titleTokens, Analysed);
            _vocabulary = new Field(VocabularyField, _vocabularyTokens, Analysed);
        }

        public Document Fill(IndexedArticle article, IndexedPassage p)
        {
            _doc.SetStringValue(Key(article.Doc));
            _docValue.SetInt64Value(article.Doc);
            _start.SetInt64Value(p.Start);
            _end.SetInt64Value(p.End);
            _bodyTokens.Tokens = WithTitle(p.Body, article.Title);
            _titleTokens.Tokens = article.Title;
            var doc = new Document { _doc, _docValue, _start, _end, _body, _title };
            if (p.Synonyms.Count > 0 || article.TitleSynonyms.Count > 0)
            {
                _vocabularyTokens.Tokens = article.TitleSynonyms.Count == 0 ? p.Synonyms : [.. p.Synonyms, .. article.TitleSynonyms];
                doc.Add(_vocabulary);
            }
            Add(doc, _source, article.Source);
            Add(doc, _author, article.Author);
            Add(doc, _date, article.DateKey);
            return doc;
        }

        private static void Add(Document doc, StringField field, string? value)
        {
            if (value is null) return;
            field.SetStringValue(value);
            doc.Add(field);
        }
    }

    // Position gap between a passage and the title copies after it: no phrase runs from one into the other.
    private const int TitleGap = 100;

    /// <summary>
    /// The passage's tokens followed by the title's, twice: a title word then counts double inside the passage's
    /// BM25 saturation and length, as with FTS5's weighted columns the ranking was tuned on (a title field of its
    /// own, scored apart and boosted, gave every passage of an article whose title matched a bonus of its own:
    /// drcd-dev R@1 .949 → .933). The title field is for <c>title:</c> queries.
    /// </summary>
    internal static IReadOnlyList<AnalyzedToken> WithTitle(IReadOnlyList<AnalyzedToken> body, IReadOnlyList<AnalyzedToken> title)
    {
        if (title.Count == 0) return body;
        var all = new List<AnalyzedToken>(body.Count + 2 * title.Count);
        all.AddRange(body);
        int next = (body.Count > 0 ? body[^1].Position : 0) + TitleGap;
        for (int copy = 0; copy < 2; copy++)
        {
            foreach (var t in title) all.Add(t with { Position = next + t.Position });
            next += title[^1].Position + TitleGap;
        }
        return all;
    }

    public void Delete(long doc)
    {
        Writer.DeleteDocuments(new Term(DocField, Key(doc)));
        _unseen = true;
    }

    public void DeleteAll()
    {
        Writer.DeleteAll();
        _unseen = true;
    }

    // Writes no near-real-time reader has seen yet: the next search opens one first, so whatever was written before a
    // search began is found by it, whether or not the writer refreshed (an import does not, per transaction).
    private volatile bool _unseen;

    private static string Key(long doc) => doc.ToString(CultureInfo.InvariantCulture);

    public void Refresh()
    {
        _unseen = false; // before the reopen: a write during it sets it again
        _searchers.MaybeRefreshBlocking();
    }

    private void RefreshIfUnseen()
    {
        if (_unseen && _writer is not null) Refresh();
    }

    public void RefreshFromCommits()
    {
        if (_writer is not null) return;
        _searchers.MaybeRefreshBlocking();
        ReadCommitData();
    }

    public void Commit(long sequence, string analysis)
    {
        lock (_commitLock)
        {
            Writer.SetCommitData(new Dictionary<string, string>
            {
                [SequenceKey] = sequence.ToString(CultureInfo.InvariantCulture),
                [AnalysisKey] = analysis,
            });
            Writer.Commit();
            CommittedSequence = sequence;
            CommittedAnalysis = analysis;
        }
    }

    public List<PassageMatch> Search(IndexQuery query, IndexFilters filters, FieldWeights weights, int limit)
    {
        RefreshIfUnseen();
        var searcher = _searchers.Acquire();
        try
        {
            var compiled = LuceneQueries.WithTermStates(LuceneQueries.Compile(query, weights), searcher.TopReaderContext);
            if (!filters.IsEmpty) compiled = new FilteredQuery(compiled, new QueryWrapperFilter(LuceneQueries.Filter(filters)));
            // A collector that takes documents in order: for a disjunction Lucene otherwise picks BooleanScorer, which
            // allocates a table of 2,048 buckets per segment per query; under writes (a near-real-time segment per add)
            // that was an eighth of the server's time, and most of its garbage.
            var collector = TopScoreDocCollector.Create(Math.Max(1, limit), docsScoredInOrder: true);
            searcher.Search(compiled, collector);
            var top = collector.GetTopDocs();
            var leaves = searcher.IndexReader.Leaves;
            var result = new List<PassageMatch>(top.ScoreDocs.Length);
            foreach (var hit in top.ScoreDocs)
            {
                var leaf = leaves[ReaderUtil.SubIndex(hit.Doc, leaves)];
                int local = hit.Doc - leaf.DocBase;
                var columns = PassageColumns.Of(leaf.AtomicReader);
                result.Add(new PassageMatch(columns.Doc[local], columns.Start[local], columns.End[local], hit.Score));
            }
            return result;
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public List<(string Term, int Passages)> Terms(TermFilter keep)
    {
        var result = new List<(string, int)>();
        var chars = new char[256];
        RefreshIfUnseen();
        var searcher = _searchers.Acquire();
        try
        {
            var terms = MultiFields.GetTerms(searcher.IndexReader, BodyField);
            if (terms is null) return result;
            var e = terms.GetEnumerator();
            while (e.MoveNext())
            {
                var bytes = e.Term;
                if (bytes.Length > chars.Length) continue; // no word to suggest is that long
                int n = System.Text.Encoding.UTF8.GetChars(bytes.Bytes, bytes.Offset, bytes.Length, chars, 0);
                if (keep(chars.AsSpan(0, n))) result.Add((new string(chars, 0, n), e.DocFreq));
            }
        }
        finally
        {
            _searchers.Release(searcher);
        }
        return result;
    }

    public Dictionary<long, int> PassageCounts()
    {
        var counts = new Dictionary<long, int>();
        RefreshIfUnseen();
        var searcher = _searchers.Acquire();
        try
        {
            foreach (var leaf in searcher.IndexReader.Leaves)
            {
                var reader = leaf.AtomicReader;
                var docs = PassageColumns.Of(reader).Doc;
                var live = reader.LiveDocs;
                for (int i = 0; i < docs.Length; i++)
                {
                    if (live is not null && !live.Get(i)) continue;
                    counts[docs[i]] = counts.GetValueOrDefault(docs[i]) + 1;
                }
            }
        }
        finally
        {
            _searchers.Release(searcher);
        }
        return counts;
    }

    public IReadOnlyList<string> CheckIntegrity()
    {
        var problems = new List<string>();
        // CheckIndex reads the last commit; what this writer holds uncommitted is the store's to replay.
        var checker = new CheckIndex(_directory);
        var status = checker.DoCheckIndex();
        if (!status.Clean)
            problems.Add("lucene: CheckIndex found a damaged index (" + (status.MissingSegments ? "missing segments" : $"{status.NumBadSegments} bad segments") + ")");
        return problems;
    }

    public void Optimize()
    {
        Writer.ForceMerge(1);
        Refresh();
    }

    public void Dispose()
    {
        _searchers.Dispose();
        if (_writer is not null)
        {
            try { _writer.Dispose(); }
            finally
            {
                // IndexWriter.Dispose can keep the write lock when its last commit throws (Lucene.Net #1284):
                // release it, so the next open in this or another process can write.
                if (IndexWriter.IsLocked(_directory)) IndexWriter.Unlock(_directory);
            }
        }
        _directory.Dispose();
    }

    private static FieldType CreateAnalysed()
    {
        var type = new FieldType(TextField.TYPE_NOT_STORED)
        {
            IndexOptions = global::Lucene.Net.Index.IndexOptions.DOCS_AND_FREQS_AND_POSITIONS,
            OmitNorms = false,
            StoreTermVectors = false,
        };
        type.Freeze();
        return type;
    }

    /// <summary>
    /// Which article and stretch of it each document of a segment is, read once per segment: a search reads them for
    /// up to 500 hits, and the doc values on disk cost a seek and a lock each through NIOFSDirectory. A segment never
    /// changes, so its columns are kept for as long as the segment's core lives.
    /// </summary>
    internal sealed class PassageColumns
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, PassageColumns> Kept = new();

        public required long[] Doc { get; init; }
        public required int[] Start { get; init; }
        public required int[] End { get; init; }

        public static PassageColumns Of(AtomicReader reader) => Kept.GetValue(reader.CoreCacheKey, _ => Read(reader));

        private static PassageColumns Read(AtomicReader reader)
        {
            int n = reader.MaxDoc;
            var (doc, start, end) = (new long[n], new int[n], new int[n]);
            var docs = reader.GetNumericDocValues(DocField);
            var starts = reader.GetNumericDocValues(StartField);
            var ends = reader.GetNumericDocValues(EndField);
            for (int i = 0; i < n; i++)
            {
                doc[i] = docs?.Get(i) ?? -1;
                start[i] = (int)(starts?.Get(i) ?? -1);
                end[i] = (int)(ends?.Get(i) ?? -1);
            }
            return new PassageColumns { Doc = doc, Start = start, End = end };
        }
    }

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new StatisticsKeepingSearcher(reader) { Similarity = new PassageSimilarity() };
    }

    /// <summary>
    /// A searcher that works out a field's collection statistics once. Lucene's builds a merged view of every segment's
    /// fields for each term of each query to sum them; a searcher (one reader, never changing) can keep the sums.
    /// </summary>
    internal sealed class StatisticsKeepingSearcher(IndexReader reader) : IndexSearcher(reader)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CollectionStatistics> _statistics = new(StringComparer.Ordinal);

        public override CollectionStatistics CollectionStatistics(string field) => _statistics.GetOrAdd(field, Sum);

        // As MultiTerms sums them: a statistic a segment does not keep (-1) is unknown for all.
        private CollectionStatistics Sum(string field)
        {
            long docCount = 0, sumTotalTermFreq = 0, sumDocFreq = 0;
            bool any = false;
            foreach (var leaf in IndexReader.Leaves)
            {
                var terms = leaf.AtomicReader.GetTerms(field);
                if (terms is null) continue;
                any = true;
                docCount = terms.DocCount == -1 || docCount == -1 ? -1 : docCount + terms.DocCount;
                sumTotalTermFreq = terms.SumTotalTermFreq == -1 || sumTotalTermFreq == -1 ? -1 : sumTotalTermFreq + terms.SumTotalTermFreq;
                sumDocFreq = terms.SumDocFreq == -1 || sumDocFreq == -1 ? -1 : sumDocFreq + terms.SumDocFreq;
            }
            if (!any) docCount = sumTotalTermFreq = sumDocFreq = 0;
            return new CollectionStatistics(field, IndexReader.MaxDoc, docCount, sumTotalTermFreq, sumDocFreq);
        }
    }

    /// <summary>
    /// BM25 with the inverse document frequency of Robertson and Spärck Jones as SQLite's FTS5 has it, log((N − n + 0.5) /
    /// (n + 0.5)) kept above zero, instead of Lucene's log(1 + …): a term in most passages (的, 是, a common gram) then
    /// counts for almost nothing, which the ranking was tuned on (with Lucene's, such terms outweighed a rare name in
    /// small corpora: an English question over the five seed articles cited the wrong passage).
    /// </summary>
    internal sealed class PassageSimilarity : BM25Similarity
    {
        protected override float Idf(long docFreq, long numDocs) =>
            (float)Math.Max(1e-6, Math.Log((numDocs - docFreq + 0.5) / (docFreq + 0.5)));

        // A phrase weighs as its rarest term (FTS5 takes the phrase's own document frequency; a phrase is at least as
        // rare as its rarest term). Lucene's sum made a word's grams in a row outweigh the word itself many times over.
        public override Explanation IdfExplain(CollectionStatistics collectionStats, TermStatistics[] termStats)
        {
            long max = collectionStats.DocCount == -1 ? collectionStats.MaxDoc : collectionStats.DocCount;
            float best = 0;
            foreach (var t in termStats) best = Math.Max(best, Idf(t.DocFreq, max));
            return new Explanation(best, "idf of the rarest term of the phrase");
        }
    }

    /// <summary>Tokens analysed before (in parallel, by the chain's Lucene analyzer), given to the index as they are.</summary>
    private sealed class TokenListStream : TokenStream
    {
        private readonly ICharTermAttribute _term;
        private readonly IPositionIncrementAttribute _increment;
        private readonly IOffsetAttribute _offset;
        private int _next;
        private int _position = -1;

        public IReadOnlyList<AnalyzedToken> Tokens { get; set; } = [];

        public TokenListStream()
        {
            _term = AddAttribute<ICharTermAttribute>();
            _increment = AddAttribute<IPositionIncrementAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
        }

        public override bool IncrementToken()
        {
            if (_next >= Tokens.Count) return false;
            ClearAttributes();
            var t = Tokens[_next++];
            _term.SetEmpty().Append(t.Term);
            // The first token's increment must be positive; positions never go back.
            int increment = Math.Max(0, t.Position - _position);
            if (_position < 0) increment = Math.Max(1, increment);
            _increment.PositionIncrement = increment;
            _position += increment;
            _offset.SetOffset(t.Start, Math.Max(t.Start, t.End));
            return true;
        }

        public override void Reset()
        {
            base.Reset();
            _next = 0;
            _position = -1;
        }
    }
}
