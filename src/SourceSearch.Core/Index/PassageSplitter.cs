using System.Buffers;
using System.Globalization;
using System.Text;

namespace SourceSearch.Index;

/// <summary>
/// A passage of an article: the range [Start, End) of the article's ORIGINAL text, in UTF-16 code
/// units. The text itself is never copied or changed, so a citation can open the article there.
/// </summary>
public readonly record struct Passage(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// Splits an article into passages of roughly one paragraph, coping with text extracted from PDFs
/// (line breaks inside sentences, U+3000 indentation, blank lines, headings, page furniture).
/// <list type="number">
/// <item>Lines are grouped into paragraphs. A line starts a new paragraph only when the paragraph
/// before it ends a sentence (。！？!?… possibly followed by closing quotes or brackets: 。” counts,
/// a bare ” does not). Otherwise the line continues it, whether or not blank lines come between:
/// that joins PDF breaks inside a sentence and keeps a heading (or byline, caption) with the
/// paragraph that follows it. A line of punctuation only (——, ……) stays with the paragraph before.</item>
/// <item>A paragraph longer than maxLength is cut at sentence ends; a sentence still too long at
/// ；; then at ，、： or white space; a clause still too long every maxLength units, never between
/// the two halves of a surrogate pair. A point between digits or ASCII letters (2.67, 1,000) is no cut.</item>
/// <item>The pieces are packed in order: a passage shorter than targetLength takes in what follows
/// while the result stays within maxLength; one still short (the next would not fit) joins the
/// passage before it when that fits.</item>
/// </list>
/// Every range is trimmed of white space, passages are in order and do not overlap, and every
/// non-white-space character of the text is in exactly one passage. Text without a letter, digit or
/// symbol gives no passages; punctuation alone is otherwise attached to a neighbour, and forms a
/// passage of its own only when a run of it is too long to attach within maxLength.
/// Linear time: every unit of the text is looked at a bounded number of times.
/// </summary>
public static class PassageSplitter
{
    public const int DefaultTargetLength = 300;
    public const int DefaultMaxLength = 600;

    [Flags]
    private enum Kind : byte
    {
        None = 0,
        Space = 1,          // char.IsWhiteSpace: trimmed off the ends of every range
        LineBreak = 2,
        Content = 4,        // letters, digits, ideographs, currency and other symbols
        Ender = 8,          // ends a sentence
        Closer = 16,        // closing quote or bracket: part of the sentence end it follows
        Clause = 32,        // ；; second choice for a cut
        Pause = 64,         // ，,、：: third choice
        NumberPoint = 128,  // . , : — no cut when between digits or ASCII letters (2.67, 1,000, 10:30, a.com)
    }

    private const string LineBreakChars = "\n\r\v\f\u0085\u2028\u2029";
    private static readonly SearchValues<char> LineBreaks = SearchValues.Create(LineBreakChars);
    private static readonly Kind[] Kinds = BuildKinds();

    private static Kind[] BuildKinds()
    {
        var kinds = new Kind[0x10000];
        for (int c = 0; c < 0x10000; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue; // judged as pairs, see IsContentAt
            char ch = (char)c;
            Kind k = Kind.None;
            if (char.IsWhiteSpace(ch)) k |= Kind.Space;
            UnicodeCategory cat = char.GetUnicodeCategory(ch);
            if (IsContentCategory(cat)) k |= Kind.Content;
            if (cat is UnicodeCategory.ClosePunctuation or UnicodeCategory.FinalQuotePunctuation) k |= Kind.Closer;
            kinds[c] = k;
        }
        foreach (char c in LineBreakChars) kinds[c] |= Kind.LineBreak;
        foreach (char c in "。｡．.！？!?…‼⁇⁈⁉⋯") kinds[c] |= Kind.Ender;
        // Straight quotes close as often as they open; after an ender they close.
        foreach (char c in "\"'＂＇") kinds[c] |= Kind.Closer;
        foreach (char c in "；;﹔") kinds[c] |= Kind.Clause;
        foreach (char c in "，,、：:﹐﹑") kinds[c] |= Kind.Pause;
        foreach (char c in ".,:．") kinds[c] |= Kind.NumberPoint;
        return kinds;
    }

    private static bool IsContentCategory(UnicodeCategory cat) => cat is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
        or UnicodeCategory.CurrencySymbol or UnicodeCategory.OtherSymbol;

    // A range of the text, and whether it holds anything worth indexing.
    private readonly record struct Piece(int Start, int End, bool HasContent)
    {
        public int Length => End - Start;
    }

    public static IReadOnlyList<Passage> Split(string text, int targetLength = DefaultTargetLength, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetLength, 1);
        // Two units at least, so that a surrogate pair always fits.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, Math.Max(2, targetLength));

        var pieces = new List<Piece>();
        foreach (Piece paragraph in Paragraphs(text))
        {
            if (paragraph.Length <= maxLength) pieces.Add(paragraph);
            else CutLong(text, paragraph.Start, paragraph.End, 1, maxLength, pieces);
        }

        List<Piece> packed = Pack(pieces, targetLength, maxLength);
        // Content is glued to punctuation wherever it exists, so no content anywhere means nothing to keep.
        if (!packed.Exists(p => p.HasContent)) return [];
        var result = new Passage[packed.Count];
        for (int i = 0; i < packed.Count; i++) result[i] = new Passage(packed[i].Start, packed[i].End);
        return result;
    }

    /// <summary>Trimmed paragraphs: runs of non-blank lines, cut only after a line that ends a sentence.</summary>
    private static List<Piece> Paragraphs(string text)
    {
        var paragraphs = new List<Piece>();
        Piece current = default;
        bool open = false;
        int pos = 0;
        while (true)
        {
            int rel = text.AsSpan(pos).IndexOfAny(LineBreaks);
            int lineEnd = rel < 0 ? text.Length : pos + rel;
            (int a, int b) = Trim(text, pos, lineEnd);
            if (a < b)
            {
                bool content = HasContent(text, a, b);
                // Short-circuit order matters for linear time: EndsSentence only looks back over the
                // closers and spaces after the last content character.
                if (open && (!content || !current.HasContent || !EndsSentence(text, current.Start, current.End)))
                    current = new Piece(current.Start, b, current.HasContent || content);
                else
                {
                    if (open) paragraphs.Add(current);
                    current = new Piece(a, b, content);
                    open = true;
                }
            }
            if (rel < 0) break;
            pos = lineEnd + 1; // \r\n gives an empty line between, which changes nothing
        }
        if (open) paragraphs.Add(current);
        return paragraphs;
    }

    /// <summary>Whether [start, end) ends with sentence-final punctuation, ignoring trailing closers and spaces.</summary>
    private static bool EndsSentence(string text, int start, int end)
    {
        int i = end - 1;
        while (i >= start && (Kinds[text[i]] & (Kind.Space | Kind.Closer)) != 0) i--;
        return i >= start && (Kinds[text[i]] & Kind.Ender) != 0;
    }

    /// <summary>
    /// Cuts [start, end), longer than max, at the break points of the given level (1 sentence ends,
    /// 2 ；;, 3 ，、： and spaces, 4 anywhere); a part still too long goes down a level.
    /// </summary>
    private static void CutLong(string text, int start, int end, int level, int max, List<Piece> output)
    {
        if (level >= 4)
        {
            for (int p = start; p < end;)
            {
                int q = Math.Min(end, p + max);
                if (q < end && char.IsHighSurrogate(text[q - 1]) && char.IsLowSurrogate(text[q])) q--;
                AddTrimmed(text, p, q, output);
                p = q;
            }
            return;
        }

        Kind breakKind = level switch { 1 => Kind.Ender, 2 => Kind.Clause, _ => Kind.Pause | Kind.Space };
        Kind runKind = breakKind | Kind.Closer;
        int partStart = start;
        int i = start;
        while (i < end)
        {
            if ((Kinds[text[i]] & breakKind) == 0 || IsNumberPoint(text, i, start, end)) { i++; continue; }
            int j = i + 1;
            while (j < end && (Kinds[text[j]] & runKind) != 0) j++;
            AddPart(text, partStart, j, level, max, output);
            partStart = i = j;
        }
        AddPart(text, partStart, end, level, max, output);
    }

    private static void AddPart(string text, int start, int end, int level, int max, List<Piece> output)
    {
        (int a, int b) = Trim(text, start, end);
        if (a >= b) return;
        if (b - a <= max) output.Add(new Piece(a, b, HasContent(text, a, b)));
        else CutLong(text, a, b, level + 1, max, output);
    }

    private static void AddTrimmed(string text, int start, int end, List<Piece> output)
    {
        (int a, int b) = Trim(text, start, end);
        if (a < b) output.Add(new Piece(a, b, HasContent(text, a, b)));
    }

    // 2.67, 1,000, 10:30, deepseek.com: a point inside a number or an ASCII word is no break.
    private static bool IsNumberPoint(string text, int i, int start, int end)
    {
        if ((Kinds[text[i]] & Kind.NumberPoint) == 0 || i == start || i + 1 >= end) return false;
        char before = text[i - 1], after = text[i + 1];
        return (char.IsAsciiLetterOrDigit(before) && char.IsAsciiLetterOrDigit(after))
            || (char.IsDigit(before) && char.IsDigit(after));
    }

    /// <summary>
    /// Greedy packing in order: a passage short of target (or without content) takes in the next
    /// piece while it fits in max; a passage left short joins the one before when that fits.
    /// </summary>
    private static List<Piece> Pack(List<Piece> pieces, int target, int max)
    {
        var output = new List<Piece>(pieces.Count);
        if (pieces.Count == 0) return output;
        Piece current = pieces[0];
        for (int i = 1; i < pieces.Count; i++)
        {
            Piece next = pieces[i];
            bool fits = next.End - current.Start <= max;
            if (fits && (current.Length < target || !current.HasContent || !next.HasContent))
                current = new Piece(current.Start, next.End, current.HasContent || next.HasContent);
            else
            {
                Emit(output, current, target, max);
                current = next;
            }
        }
        Emit(output, current, target, max);
        return output;
    }

    private static void Emit(List<Piece> output, Piece piece, int target, int max)
    {
        if (output.Count > 0 && (piece.Length < target || !piece.HasContent) && piece.End - output[^1].Start <= max)
        {
            Piece previous = output[^1];
            output[^1] = new Piece(previous.Start, piece.End, previous.HasContent || piece.HasContent);
        }
        else output.Add(piece);
    }

    private static (int Start, int End) Trim(string text, int start, int end)
    {
        while (start < end && (Kinds[text[start]] & Kind.Space) != 0) start++;
        while (end > start && (Kinds[text[end - 1]] & Kind.Space) != 0) end--;
        return (start, end);
    }

    private static bool HasContent(string text, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            if ((Kinds[c] & Kind.Content) != 0) return true;
            if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
            {
                // Supplementary ideographs (CJK extension B and on) and emoji; a lone surrogate is not content.
                if (IsContentCategory(Rune.GetUnicodeCategory(new Rune(c, text[i + 1])))) return true;
                i++;
            }
        }
        return false;
    }
}
