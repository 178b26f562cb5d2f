using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace SourceSearch.Index;

/// <summary>
/// Connections kept open for searching, each with its statements prepared once (<see cref="Statements"/>).
/// Opening a connection (even from the pool) runs its PRAGMAs again and every new command is parsed again:
/// on a query of one or two milliseconds that was a good part of the time.
/// </summary>
public sealed partial class SearchIndex
{
    // More would only hold memory: searches beyond this many at once open and close their own.
    private const int MaxIdleReaders = 16;

    // Readers are pooled here, not in SqliteConnection's pool: their settings (mmap, cache) must not reach
    // writers, and a reader closed is closed (its file handles go).
    private string ReaderConnectionString => new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString();

    private readonly ConcurrentBag<Reader> _readers = [];
    private volatile bool _disposed;

    internal sealed class Reader(SqliteConnection connection) : IDisposable
    {
        private readonly Statements _statements = new(connection);

        public SqliteConnection Connection { get; } = connection;

        /// <summary>The command for <paramref name="sql"/>, prepared on first use and reused (its parameters rebound).</summary>
        public SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters) => _statements.Get(sql, parameters);

        public void Dispose()
        {
            _statements.Dispose();
            Connection.Dispose();
        }
    }

    internal async Task<Reader> RentReaderAsync(CancellationToken cancel)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_readers.TryTake(out var reader)) return reader;
        var c = new SqliteConnection(ReaderConnectionString);
        try
        {
            await c.OpenAsync(cancel);
            // Memory-mapped reads: the pages come from the OS cache without a copy into SQLite's own.
            await ExecuteAsync(c, "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-16000;", cancel);
        }
        catch
        {
            await c.DisposeAsync(); // a cancelled or failed open leaves no handle behind
            throw;
        }
        return new Reader(c);
    }

    internal void Return(Reader reader)
    {
        if (_disposed || _readers.Count >= MaxIdleReaders) { reader.Dispose(); return; }
        _readers.Add(reader);
        if (_disposed && _readers.TryTake(out var late)) late.Dispose(); // disposed meanwhile
    }

    private void CloseReaders()
    {
        _disposed = true;
        while (_readers.TryTake(out var reader)) reader.Dispose();
    }
}
