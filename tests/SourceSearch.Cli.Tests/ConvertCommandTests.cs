using System.Text;

namespace SourceSearch.Cli.Tests;

public sealed class ConvertCommandTests
{
    [Theory]
    [InlineData("zh-TW", "软件和内存", "軟件和內存")]     // characters, never words
    [InlineData("zh-Hans", "軟體和記憶體", "软体和记忆体")]
    [InlineData("zh-Hant", "苏州工业园区", "蘇州工業園區")]
    [InlineData("zh-HK", "为什么", "為什麼")]
    [InlineData("zh-Hans", "成效显著，核心企业的指标，智慧城市，建立平台，线上整合", "成效显著，核心企业的指标，智慧城市，建立平台，线上整合")]
    [InlineData("zh-TW", "台灣的軟體", "台灣的軟體")]      // already in the target script
    public async Task Converts_its_argument_faithfully(string to, string text, string expected)
    {
        var r = await CliRunner.RunAsync("convert", "--to", to, text);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected + "\n", r.Out);
        Assert.Equal("", r.Error);
    }

    [Theory]
    [InlineData("zh-TW", "软件和内存", "軟體和記憶體")]
    [InlineData("zh-Hans", "軟體和記憶體", "软件和内存")]
    public async Task Vocabulary_rewrites_regional_words_when_asked(string to, string text, string expected)
    {
        var r = await CliRunner.RunAsync("convert", "--vocabulary", "--to", to, text);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected + "\n", r.Out);
    }

    [Theory]
    [InlineData("zh-Hant")]
    [InlineData("zh-HK")]
    public async Task Vocabulary_to_a_script_without_a_phrase_table_is_a_usage_error(string to)
    {
        var r = await CliRunner.RunAsync("convert", "--vocabulary", "--to", to, "软件");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("zh-Hans or zh-TW", r.Error);
        Assert.Equal("", r.Out);
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
        string expected = input.Replace("軟體", "软体").Replace("記憶體", "记忆体").Replace("最後一行", "最后一行");
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
