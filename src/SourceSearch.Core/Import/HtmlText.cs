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

    public static Article Read(string id, string html)
    {
        var doc = new HtmlDocument();
        doc.LoadHtml(html);
        var root = doc.DocumentNode;
        var body = root.Descendants("body").FirstOrDefault() ?? root;
        string text = TextOf(body);
        string title = TextOf(root.Descendants("title").FirstOrDefault(t => !t.Ancestors("svg").Any()), skip: false);
        if (title.Length == 0) title = TextOf(body.Descendants("h1").FirstOrDefault()).Replace('\n', ' ');
        if (title.Length == 0) title = PlainText.FirstLine(text);
        return new Article(id, title, text);
    }

    private static string TextOf(HtmlNode? node, bool skip = true)
    {
        if (node is null) return "";
        var lines = new Lines();
        Walk(node, lines, skip);
        return lines.ToString();
    }

    private static void Walk(HtmlNode node, Lines lines, bool skip)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case HtmlTextNode textNode:
                    lines.Append(HtmlEntity.DeEntitize(textNode.Text));
                    break;
                case { NodeType: HtmlNodeType.Element } element when !(skip && Skipped.Contains(element.Name)):
                    bool block = Blocks.Contains(element.Name);
                    if (block) lines.Break();
                    Walk(element, lines, skip);
                    if (block) lines.Break();
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
