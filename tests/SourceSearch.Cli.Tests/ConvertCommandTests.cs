using System.Text;

namespace SourceSearch.Cli.Tests;

public sealed class ConvertCommandTests
{
    [Theory]
    [InlineData("zh-TW", "软件和内存", "軟體和記憶體")]
    [InlineData("zh-Hans", "軟體和記憶體", "软件和内存")]
    [InlineData("zh-Hant", "苏州工业园区", "蘇州工業園區")]
    [InlineData("zh-HK", "为什么", "為什麼")]
    public async Task Converts_its_argument(string to, string text, string expected)
    {
        var r = await CliRunner.RunAsync("convert", "--to", to, text);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected + "\n", r.Out);
        Assert.Equal("", r.Error);
    }

    [Fact]
    public async Task Converts_standard_input_exactly_however_long()
    {
        // More than one 64K read, lines of every ending, no final newline: all must come back in place.
        var sb = new StringBuilder();
        for (int i = 0; sb.Length < 200_000; i++) sb.Append(i % 3 == 0 ? "軟體工程\r\n" : i % 3 == 1 ? "記憶體\n" : "abc ");
        sb.Append("最後一行軟體");
        string input = sb.ToString();
        var r = await CliRunner.RunWithInputAsync(input, "convert", "--to", "zh-Hans");
        Assert.Equal(0, r.ExitCode);
        string expected = input.Replace("軟體", "软件").Replace("記憶體", "内存").Replace("最後一行", "最后一行");
        Assert.Equal(expected, r.Out);
    }

    [Fact]
    public async Task Empty_standard_input_gives_empty_output()
    {
        var r = await CliRunner.RunWithInputAsync("", "convert", "--to", "zh-TW");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("convert", "--to", "klingon", "x")]
    [InlineData("convert", "x")]
    [InlineData("convert", "--to")]
    [InlineData("no-such-command")]
    [InlineData("analyze", "--no-such-option", "x")]
    public async Task Usage_errors_exit_2_with_a_message(params string[] args)
    {
        var r = await CliRunner.RunAsync(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sourcesearch:", r.Error);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task Help_lists_the_commands_and_exit_codes()
    {
        var r = await CliRunner.RunAsync("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var word in new[] { "convert", "analyze", "bench", "--index", "--userdict", "Exit codes" })
            Assert.Contains(word, r.Out);
    }
}
