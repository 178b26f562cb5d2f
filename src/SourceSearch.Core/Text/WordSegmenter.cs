namespace SourceSearch.Text;

/// <summary>
/// Stage 4: dictionary word segmentation of a run of Han characters, jieba's algorithm: a word
/// graph (DAG) of every dictionary word starting at each position, the maximum-probability route
/// through it by dynamic programming, and the HMM for stretches of single characters that are not
/// dictionary words (unknown names). Search mode also emits the dictionary words of two and three
/// characters inside longer words (人工智能 → 人工, 智能, 人工智能), like jieba's cut_for_search.
/// </summary>
public sealed class WordSegmenter(WordDictionary dictionary, HmmModel hmm)
{
    public WordDictionary Dictionary { get; } = dictionary;

    /// <summary>A word as (start, length) within the segmented run; <see cref="IsPart"/> marks a search-mode sub-word, which follows its word.</summary>
    public readonly record struct Piece(int Start, int Length, bool IsPart);

    /// <summary>Segments <paramref name="run"/> (Han characters of the BMP) and reports each piece in order.</summary>
    public void Segment(ReadOnlySpan<char> run, bool searchMode, bool useHmm, List<Piece> output)
    {
        int n = run.Length;
        if (n == 0) return;
        if (n == 1) { output.Add(new Piece(0, 1, false)); return; }

        // route[i] = best log-probability of run[i..] and the end of the first word on that route.
        Span<double> logp = n <= 512 ? stackalloc double[n + 1] : new double[n + 1];
        Span<int> next = n <= 512 ? stackalloc int[n + 1] : new int[n + 1];
        logp[n] = 0;
        int maxLen = Dictionary.MaxWordLength;
        double logTotal = Dictionary.LogTotal;
        for (int i = n - 1; i >= 0; i--)
        {
            double best = double.NegativeInfinity;
            int bestEnd = i + 1;
            bool any = false;
            int limit = Math.Min(n, i + maxLen);
            for (int end = i + 1; end <= limit; end++)
            {
                if (!Dictionary.TryGet(run[i..end], out int f, out double logFreq)) break; // not even a prefix: no longer word starts here
                if (f == 0) continue;
                any = true;
                double p = logFreq - logTotal + logp[end];
                if (p >= best) { best = p; bestEnd = end; } // ties go to the longer word, as in jieba
            }
            if (!any) best = Math.Log(1) - logTotal + logp[i + 1];
            logp[i] = best;
            next[i] = bestEnd;
        }

        int bufStart = -1;
        for (int i = 0; i < n;)
        {
            int end = next[i];
            if (end - i == 1)
            {
                if (bufStart < 0) bufStart = i;
            }
            else
            {
                if (bufStart >= 0) { FlushSingles(run, bufStart, i, useHmm, searchMode, output); bufStart = -1; }
                Emit(run, i, end - i, searchMode, output);
            }
            i = end;
        }
        if (bufStart >= 0) FlushSingles(run, bufStart, n, useHmm, searchMode, output);
    }

    // The word first, then (search mode) the dictionary words of two and three characters inside
    // it in order of start, so pieces come out in order of start.
    private void Emit(ReadOnlySpan<char> run, int start, int length, bool searchMode, List<Piece> output)
    {
        output.Add(new Piece(start, length, false));
        if (!searchMode || length <= 2) return;
        for (int k = start; k + 2 <= start + length; k++)
        {
            if (Dictionary.IsWord(run.Slice(k, 2))) output.Add(new Piece(k, 2, true));
            if (length > 3 && k + 3 <= start + length && Dictionary.IsWord(run.Slice(k, 3))) output.Add(new Piece(k, 3, true));
        }
    }

    // Consecutive single characters on the route: a known word stays single characters, an
    // unknown stretch goes to the HMM, which may join them into a new word (a name, say).
    private void FlushSingles(ReadOnlySpan<char> run, int start, int end, bool useHmm, bool searchMode, List<Piece> output)
    {
        int len = end - start;
        if (len == 1 || !useHmm || Dictionary.IsWord(run[start..end]))
        {
            for (int k = start; k < end; k++) output.Add(new Piece(k, 1, false));
            return;
        }
        Viterbi(run[start..end], start, searchMode, output);
    }

    private void Viterbi(ReadOnlySpan<char> obs, int offset, bool searchMode, List<Piece> output)
    {
        int n = obs.Length;
        // Flat [t * 4 + state] tables on the stack (or rented): a new double[n, 4] per stretch cost more than the
        // Viterbi pass itself, and long stretches went to the large-object heap, each a full collection later.
        double[]? rentedV = null;
        int[]? rentedBack = null;
        Span<double> v = n <= 256 ? stackalloc double[n * 4] : (rentedV = System.Buffers.ArrayPool<double>.Shared.Rent(n * 4));
        Span<int> back = n <= 256 ? stackalloc int[n * 4] : (rentedBack = System.Buffers.ArrayPool<int>.Shared.Rent(n * 4));
        for (int s = 0; s < 4; s++) v[s] = hmm.Start[s] + hmm.Emit(s, obs[0]);
        for (int t = 1; t < n; t++)
        {
            int row = t * 4, prev = row - 4;
            for (int s = 0; s < 4; s++)
            {
                double em = hmm.Emit(s, obs[t]);
                // Allowed predecessors, as in jieba: B<-E,S  M<-M,B  S<-S,E  E<-B,M.
                var (p1, p2) = s switch
                {
                    HmmModel.B => (HmmModel.E, HmmModel.S),
                    HmmModel.M => (HmmModel.M, HmmModel.B),
                    HmmModel.S => (HmmModel.S, HmmModel.E),
                    _ => (HmmModel.B, HmmModel.M),
                };
                double a = v[prev + p1] + hmm.Trans[p1, s] + em;
                double b = v[prev + p2] + hmm.Trans[p2, s] + em;
                if (a >= b) { v[row + s] = a; back[row + s] = p1; }
                else { v[row + s] = b; back[row + s] = p2; }
            }
        }
        int last = (n - 1) * 4;
        int state = v[last + HmmModel.E] >= v[last + HmmModel.S] ? HmmModel.E : HmmModel.S;
        Span<int> states = n <= 256 ? stackalloc int[n] : new int[n];
        for (int t = n - 1; t >= 0; t--)
        {
            states[t] = state;
            state = back[t * 4 + state];
        }
        if (rentedV is not null) System.Buffers.ArrayPool<double>.Shared.Return(rentedV);
        if (rentedBack is not null) System.Buffers.ArrayPool<int>.Shared.Return(rentedBack);
        int begin = 0, nextStart = 0;
        for (int t = 0; t < n; t++)
        {
            switch (states[t])
            {
                case HmmModel.B: begin = t; break;
                case HmmModel.E: Emit(obs, offset, begin, t + 1 - begin, searchMode, output); nextStart = t + 1; break;
                case HmmModel.S: output.Add(new Piece(offset + t, 1, false)); nextStart = t + 1; break;
            }
        }
        if (nextStart < n) output.Add(new Piece(offset + nextStart, n - nextStart, false));
    }

    private void Emit(ReadOnlySpan<char> obs, int offset, int start, int length, bool searchMode, List<Piece> output)
    {
        // HMM words are new words: no dictionary sub-words to add beyond what Emit finds.
        int before = output.Count;
        Emit(obs, start, length, searchMode, output);
        for (int k = before; k < output.Count; k++)
            output[k] = output[k] with { Start = output[k].Start + offset };
    }

    /// <summary>Plain segmentation without the HMM, as strings (used to suggest user-word frequencies).</summary>
    public IEnumerable<string> CutWithoutHmm(string run)
    {
        var pieces = new List<Piece>();
        Segment(run, searchMode: false, useHmm: false, pieces);
        return pieces.Select(p => run.Substring(p.Start, p.Length));
    }
}
