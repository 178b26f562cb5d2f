using Microsoft.Data.Sqlite;

namespace SourceSearch.Index;

/// <summary>A consistent copy of the whole index while it is in use.</summary>
public sealed partial class SearchIndex
{
    /// <summary>
    /// Writes the database as it is at one moment (articles, passages, the FTS index, history) to a new file with
    /// SQLite's VACUUM INTO: it reads inside one transaction, so writers may go on meanwhile and the copy is still
    /// consistent. The copy is a complete index: name it sourcesearch.db in a folder and use that folder as --index.
    /// </summary>
    public async Task BackupAsync(string file, CancellationToken cancel = default)
    {
        if (File.Exists(file) || Directory.Exists(file))
            throw new IOException($"{file} already exists: give a new file name (a backup never overwrites)");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is null || !Directory.Exists(folder))
            throw new IOException($"the folder {folder} does not exist: create it first");
        await using var c = await ConnectAsync(cancel);
        try
        {
            await using var cmd = Command(c, null, "VACUUM INTO $file", ("$file", Path.GetFullPath(file)));
            await cmd.ExecuteNonQueryAsync(cancel);
        }
        catch (SqliteException e) when (e.Message.Contains("already exists", StringComparison.Ordinal))
        {
            // Someone else made the file after the check above: it is theirs, never deleted.
            throw new IOException($"{file} already exists: give a new file name (a backup never overwrites)", e);
        }
        catch (Exception e) when (e is SqliteException or OperationCanceledException)
        {
            // A partial copy (disk full, cancelled) is no backup: remove it.
            try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is OperationCanceledException) throw;
            throw new IOException($"the backup to {file} failed: {e.Message}" + (((SqliteException)e).SqliteErrorCode == 13 ? " (the disk is full)" : ""), e);
        }
    }
}
