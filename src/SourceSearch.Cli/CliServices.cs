using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SourceSearch.Text;

namespace SourceSearch.Cli;

/// <summary>Configuration (appsettings.json beside the program, then SOURCESEARCH_* variables, then options), logging to stderr, and the Core services.</summary>
internal sealed class CliServices : IDisposable
{
    private readonly ServiceProvider _provider;

    public CliServices(TextWriter stderr, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("SOURCESEARCH_")
            .AddInMemoryCollection(overrides)
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddProvider(new StderrLoggerProvider(stderr)));
        services.AddSourceSearchCore(configuration);
        _provider = services.BuildServiceProvider();
    }

    public Analyzer Analyzer => _provider.GetRequiredService<Analyzer>();

    /// <summary>The composition root the web app shares: the index, searcher and answerer as configured.</summary>
    public SourceSearchServices App => _provider.GetRequiredService<SourceSearchServices>();

    public EnglishTranslator? Translator() => App.Translator();
    public OpenCcConverter OpenCc => _provider.GetRequiredService<OpenCcConverter>();
    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public void Dispose() => _provider.Dispose();
}

/// <summary>A synchronous logger to the CLI's stderr: nothing is lost at exit, and tests can capture it.</summary>
internal sealed class StderrLoggerProvider(TextWriter stderr) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(stderr, categoryName);
    public void Dispose() { }

    private sealed class Logger(TextWriter stderr, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string level = logLevel switch
            {
                LogLevel.Critical or LogLevel.Error => "error",
                LogLevel.Warning => "warning",
                _ => "info",
            };
            lock (stderr) stderr.WriteLine($"sourcesearch: {level}: {formatter(state, exception)}");
            _ = category;
        }
    }
}
