using Microsoft.Playwright;

namespace SourceSearch.Web.Tests;

/// <summary>Debian's Chromium (installed by scripts/setup), headless, driven by Playwright.</summary>
public sealed class Browser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>JavaScript giving the article view's passages as text, without their link and copy button.</summary>
    public const string ArticleTextScript =
        "() => Array.from(document.querySelectorAll('#article-text .passage')).map(p => { const c = p.cloneNode(true); c.querySelector('.passage-tools')?.remove(); return c.textContent; }).join('')";

    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser browser) => (_playwright, Instance) = (playwright, browser);

    public IBrowser Instance { get; }

    public static async Task<Browser> LaunchAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/setup (apt-get install chromium fonts-noto-cjk)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        return new Browser(playwright, browser);
    }

    public Task<IPage> NewPageAsync(BrowserNewPageOptions? options = null) => Instance.NewPageAsync(options ?? new BrowserNewPageOptions());

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>Screenshots of the main screens, kept as test artefacts in artifacts/screenshots/.</summary>
public static class Screens
{
    public static string Directory { get; } = Path.Combine(TestPaths.RepoRoot, "artifacts", "screenshots");

    public static async Task SaveAsync(IPage page, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, name + ".png"), FullPage = true });
    }
}
