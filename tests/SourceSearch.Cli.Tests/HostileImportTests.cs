using SourceSearch.Tests.Import;

namespace SourceSearch.Cli.Tests;

/// <summary>`import` of a folder holding a zip bomb and disguised binaries beside a good file.</summary>
public sealed class HostileImportTests
{
    private readonly string _index = Path.Combine(TestPaths.NewTempDirectory(), "index");
    private static readonly string UserDict = Path.Combine(TestPaths.Corpus, "userdict.txt");

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync([.. args, "--index", _index, "--userdict", UserDict]);

    [Fact]
    public async Task A_zip_bomb_and_disguised_binaries_are_reported_and_the_good_file_imported()
    {
        string folder = TestPaths.NewTempDirectory();
        await File.WriteAllBytesAsync(Path.Combine(folder, "bomb.docx"), ZipBomb.Docx(2L << 30));
        byte[] noise = new byte[16 * 1024];
        new Random(3).NextBytes(noise);
        await File.WriteAllBytesAsync(Path.Combine(folder, "noise.html"), noise);
        await File.WriteAllBytesAsync(Path.Combine(folder, "noise.pdf"), noise);
        await File.WriteAllTextAsync(Path.Combine(folder, "good.txt"), "豫园的九曲桥\n\n豫园的九曲桥在湖心亭旁。");

        var import = await Run("import", folder).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(1, import.ExitCode);
        Assert.Contains("added 1", import.Out);
        var errors = import.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(errors, e => e.Contains("bomb.docx") && e.Contains("bomb"));
        Assert.Contains(errors, e => e.Contains("noise.html"));
        Assert.Contains(errors, e => e.Contains("noise.pdf"));
        Assert.DoesNotContain("   at ", import.Error); // reasons, not stack traces

        var search = await Run("search", "--json", "九曲桥");
        Assert.Contains("\"id\":\"good\"", search.Out);
        Assert.Equal(0, (await Run("check")).ExitCode);
    }
}
