using System.Text;
using HtmlAgilityPack;

namespace SourceSearch.Import;

/// <summary>
/// .html: the readable text of the body, one line per block element, without page furniture
/// (navigation, headers, scripts ...); the title from &lt;title&gt;, else the first &lt;h1&gt;.
/// </summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Skipped =
        ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "iframe", "svg", "head", "object", "canvas"];

    private static readonly HashSet<string> Blocks =
    [
        "address", "article", "blockquote", "body", "br", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    ];

    /// <summary>
    /// Deeper nesting is refused: the parser recurses per level, and a file of a few hundred thousand
    /// unclosed tags would overflow the stack and end the process (no real page comes near this).
    /// </summary>
    public const int MaxNesting = 2000;

    public static Article Read(string id, string html)
    {
        var doc = new HtmlDocument { OptionMaxNestedChildNodes = MaxNesting };
        try { doc.LoadHtml(html); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The parser throws a plain Exception for too deep a nesting.
            throw new ReadException($"the HTML cannot be read: {e.Message} (at most {MaxNesting} nested elements)");
        }
        var root = doc.DocumentNode;
        var body = First(root, "body") ?? root;
        string text = TextOf(body);
        string title = TextOf(First(root, "title", skipInside: "svg"), skip: false);
        if (title.Length == 0) title = TextOf(First(body, "h1")).Replace('\n', ' ');
        if (title.Length == 0) title = PlainText.FirstLine(text);
        return new Article(id, title, text);
    }

    // Document order, with an explicit stack: the library's Descendants() nests an iterator per level.
    private static HtmlNode? First(HtmlNode root, string name, string? skipInside = null)
    {
        var stack = new Stack<HtmlNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node != root && node.Name == name) return node;
            if (skipInside is not null && node.Name == skipInside) continue;
            for (int i = node.ChildNodes.Count - 1; i >= 0; i--) stack.Push(node.ChildNodes[i]);
        }
        return null;
    }

    private static string TextOf(HtmlNode? node, bool skip = true)
    {
        if (node is null) return "";
        var lines = new Lines();
        Walk(node, lines, skip);
        return lines.ToString();
    }

    // Depth-first with an explicit stack; a block element breaks the line before and after its content
    // (the "after" is a marker pushed beneath its children).
    private static void Walk(HtmlNode node, Lines lines, bool skip)
    {
        var stack = new Stack<HtmlNode?>();
        for (int i = node.ChildNodes.Count - 1; i >= 0; i--) stack.Push(node.ChildNodes[i]);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case null:
                    lines.Break();
                    break;
                case HtmlTextNode textNode:
                    lines.Append(HtmlEntity.DeEntitize(textNode.Text));
                    break;
                case { NodeType: HtmlNodeType.Element } element when !(skip && Skipped.Contains(element.Name)):
                    if (Blocks.Contains(element.Name))
                    {
                        lines.Break();
                        stack.Push(null);
                    }
                    for (int i = element.ChildNodes.Count - 1; i >= 0; i--) stack.Push(element.ChildNodes[i]);
                    break;
            }
        }
    }

    /// <summary>Collects text as a browser lays it out: runs of HTML white space become one space, blocks break lines.</summary>
    private sealed class Lines
    {
        private readonly StringBuilder text = new();
        private readonly StringBuilder line = new();
        private bool space;

        public void Append(string s)
        {
            foreach (char c in s)
            {
                if (c is ' ' or '\t' or '\n' or '\r' or '\f') { space = line.Length > 0; continue; }
                if (space) line.Append(' ');
                line.Append(c);
                space = false;
            }
        }

        public void Break()
        {
            if (line.Length > 0) text.Append(text.Length > 0 ? "\n" : "").Append(line);
            line.Clear();
            space = false;
        }

        public override string ToString()
        {
            Break();
            return text.ToString();
        }
    }
}
