using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using SourceSearch.Index.Lucene;

namespace SourceSearch.Tests.Index;

/// <summary>Term statistics looked up at once for a whole query must score exactly as Lucene's own per-term lookup.</summary>
public sealed class TermStatesTests
{
    [Fact]
    public void A_query_with_its_term_states_looked_up_at_once_scores_exactly_as_without()
    {
        using var dir = new NIOFSDirectory(new DirectoryInfo(TestPaths.NewTempDirectory()));
        using (var writer = new IndexWriter(dir, new IndexWriterConfig(LuceneVersion.LUCENE_48, new WhitespaceAnalyzer(LuceneVersion.LUCENE_48))))
        {
            string[][] segments =
            [
                ["苏州 人工 智能", "苏州 园林", "北京 智能"],
                ["人工 智能 产业 苏州", "深圳"],          // a second segment
                ["智能 智能 智能", "园林 园林"],           // a third, without 苏州
            ];
            foreach (var segment in segments)
            {
                foreach (var text in segment)
                    writer.AddDocument(new Document { new TextField("body", text, Field.Store.NO), new TextField("title", text.Split(' ')[0], Field.Store.NO) });
                writer.Commit();
            }
        }
        using var reader = DirectoryReader.Open(dir);
        Assert.True(reader.Leaves.Count >= 2);
        var searcher = new IndexSearcher(reader);

        Query Make()
        {
            var b = new BooleanQuery(disableCoord: true);
            foreach (var (field, term, boost) in new[] { ("body", "苏州", 1f), ("body", "智能", 1f), ("title", "苏州", 2.5f), ("body", "园林", 0.5f), ("body", "不存在", 1f) })
                b.Add(new TermQuery(new Term(field, term)) { Boost = boost }, Occur.SHOULD);
            var inner = new BooleanQuery(disableCoord: true) { { new TermQuery(new Term("body", "人工")), Occur.MUST }, { new TermQuery(new Term("body", "产业")), Occur.SHOULD } };
            b.Add(inner, Occur.SHOULD);
            return b;
        }

        var expected = searcher.Search(Make(), 10).ScoreDocs.Select(d => (d.Doc, d.Score)).ToList();
        var actual = searcher.Search(LuceneQueries.WithTermStates(Make(), searcher.TopReaderContext), 10).ScoreDocs.Select(d => (d.Doc, d.Score)).ToList();
        Assert.Equal(6, expected.Count); // every document but 深圳's matches something
        Assert.Equal(expected, actual);

        // The searcher that keeps each field's collection statistics gives Lucene's own, and the same scores.
        var keeping = new LuceneIndex.StatisticsKeepingSearcher(reader);
        foreach (var field in new[] { "body", "title", "absent" })
        {
            var (a, b) = (searcher.CollectionStatistics(field), keeping.CollectionStatistics(field));
            Assert.Equal((a.MaxDoc, a.DocCount, a.SumTotalTermFreq, a.SumDocFreq), (b.MaxDoc, b.DocCount, b.SumTotalTermFreq, b.SumDocFreq));
        }
        Assert.Equal(7, keeping.CollectionStatistics("body").DocCount);
        Assert.Equal(expected, keeping.Search(LuceneQueries.WithTermStates(Make(), keeping.TopReaderContext), 10).ScoreDocs.Select(d => (d.Doc, d.Score)).ToList());
    }
}

/// <summary>The passage coordinates kept per segment are the segment's doc values, and each segment gets its own.</summary>
public sealed class PassageColumnsTests
{
    [Fact]
    public void Columns_hold_each_segment_s_doc_values_and_a_merged_segment_is_read_anew()
    {
        using var dir = new NIOFSDirectory(new DirectoryInfo(TestPaths.NewTempDirectory()));
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, new WhitespaceAnalyzer(LuceneVersion.LUCENE_48));
        using var writer = new IndexWriter(dir, config);
        void Add(long doc, int start, int end) => writer.AddDocument(new Document
        {
            new NumericDocValuesField(LuceneIndex.DocField, doc), new NumericDocValuesField(LuceneIndex.StartField, start),
            new NumericDocValuesField(LuceneIndex.EndField, end),
        });
        Add(7, 0, 10); Add(7, 10, 25);
        writer.Commit();
        Add(9, 0, 5);
        writer.Commit();
        using (var reader = DirectoryReader.Open(dir))
        {
            Assert.Equal(2, reader.Leaves.Count);
            var first = LuceneIndex.PassageColumns.Of(reader.Leaves[0].AtomicReader);
            Assert.Equal([7L, 7L], first.Doc);
            Assert.Equal([0, 10], first.Start);
            Assert.Equal([10, 25], first.End);
            Assert.Same(first, LuceneIndex.PassageColumns.Of(reader.Leaves[0].AtomicReader)); // read once
            Assert.Equal([9L], LuceneIndex.PassageColumns.Of(reader.Leaves[1].AtomicReader).Doc);
        }
        writer.ForceMerge(1);
        writer.Commit();
        using (var merged = DirectoryReader.Open(dir))
        {
            var all = LuceneIndex.PassageColumns.Of(Assert.Single(merged.Leaves).AtomicReader);
            Assert.Equal([7L, 7L, 9L], all.Doc);
            Assert.Equal([10, 25, 5], all.End);
        }
    }
}
