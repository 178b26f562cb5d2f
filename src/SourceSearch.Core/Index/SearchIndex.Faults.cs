using Microsoft.Data.Sqlite;
using SourceSearch.Text;

namespace SourceSearch.Index;

public enum WriteFailureKind
{
    DiskFull,
    ReadOnly,
    /// <summary>Another process is reindexing the index, or did since this one opened it.</summary>
    Reindexed,
}

/// <summary>A write the index could not store (disk full, read-only folder); nothing of it was stored, and reading still works.</summary>
public sealed class IndexWriteException(WriteFailureKind kind, string message, Exception? inner = null) : IndexUnusableException(message, inner)
{
    public WriteFailureKind Kind { get; } = kind;
}

/// <summary>What the index does when its disk is full or its folder cannot be written.</summary>
public sealed partial class SearchIndex
{
    private const int SqliteFull = 13, SqliteReadOnly = 8, SqliteCantOpen = 14;

    // Read-only, or the -wal/-shm files beside the database cannot be created; not a busy or corrupt database.
    private static bool CannotWrite(SqliteException e) => e.SqliteErrorCode is SqliteReadOnly or SqliteCantOpen;

    /// <summary>The index was opened read-only because its folder or file cannot be written: searches work, writes are refused.</summary>
    public bool IsReadOnly { get; }

    /// <summary>The clear error for a write SQLite refused for lack of space or permission; null for any other failure.</summary>
    internal IndexWriteException? WriteFailure(SqliteException e)
    {
        string folder = Path.GetDirectoryName(DatabasePath) ?? ".";
        return e.SqliteErrorCode switch
        {
            SqliteFull => new IndexWriteException(WriteFailureKind.DiskFull,
                $"the disk holding the index {folder} is full: this write was not stored (what was stored before is intact and searchable); " +
                "free space on that disk, or move the index elsewhere (--index), then write again", e),
            SqliteReadOnly => new IndexWriteException(WriteFailureKind.ReadOnly,
                $"the index {DatabasePath} is read-only (its folder or file cannot be written): searches are served, but nothing can be added, " +
                $"replaced or deleted; make {folder} and the files in it writable, then restart the server or run the command again", e),
            _ => null,
        };
    }

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly) throw WriteFailure(new SqliteException("the index was opened read-only", SqliteReadOnly))!;
        EnsureRoom();
    }

    /// <summary>
    /// Free space a write leaves on the index's disk, at least: the full-text index writes its segments after the
    /// store has committed, and an article acknowledged but not searchable (Lucene out of space) is what a
    /// user must never get. A write is refused as if the disk were full below it.
    /// </summary>
    public long ReservedBytes { get; init; } = 1 << 20;

    internal void EnsureRoom()
    {
        long free;
        try { free = new DriveInfo(Path.GetDirectoryName(Path.GetFullPath(DatabasePath))!).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return; }
        if (free < ReservedBytes) throw WriteFailure(new SqliteException("reserved space reached", SqliteFull))!;
    }

    /// <summary>
    /// Opens an existing index whose folder or file cannot be written. SQLite in WAL mode needs its -shm
    /// file: read-only mode works while -wal and -shm exist; when they do not and the folder cannot be
    /// written, the database is opened as immutable (nothing can change it there, since nothing can write).
    /// Null when the index is not there or cannot be read at all.
    /// </summary>
    private static async Task<SearchIndex?> OpenReadOnlyAsync(string directory, Analyzer analyzer, bool allowMismatch, CancellationToken cancel)
    {
        string path = PathIn(directory);
        if (!File.Exists(path)) return null;
        foreach (bool immutable in new[] { false, true })
        {
            if (immutable && FolderWritable(directory)) break;
            // Immutable means SQLite ignores the write-ahead log: articles committed there (by a process that
            // stopped before folding them into the database) would silently be missing from every search.
            if (immutable && new FileInfo(path + "-wal") is { Exists: true, Length: > 0 } wal)
                throw new IndexUnusableException(
                    $"the index {path} has {wal.Length:N0} bytes of committed changes in {wal.Name} that can only be read with write access to " +
                    $"{directory} (SQLite folds them in then): make the folder writable, start once (or run 'sourcesearch check'), then make it read-only again");
            var index = new SearchIndex(path, analyzer, readOnly: true, immutable);
            try
            {
                await index.InitializeAsync(allowMismatch, cancel);
                await index.OpenFullTextAsync(allowMismatch, cancel);
                return index;
            }
            catch (SqliteException)
            {
                index.Dispose();
            }
            catch (Lucene.FullTextIndexDamagedException e)
            {
                index.Dispose();
                throw new IndexUnusableException(e.Message, e);
            }
        }
        return null;
    }

    private static bool FolderWritable(string directory)
    {
        // A probe file, not the database itself: closing another handle to the database would drop SQLite's locks on it.
        string probe = Path.Combine(directory, ".sourcesearch-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // SQLite URI file names: '%', '?' and '#' in the path must be escaped.
    private static string ImmutableUri(string path) =>
        "file:" + Path.GetFullPath(path).Replace("%", "%25").Replace("?", "%3f").Replace("#", "%23") + "?immutable=1";
}
