using System.Globalization;
using Microsoft.Data.Sqlite;
using SourceSearch.Text;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Index;

/// <summary>
/// Reindex into a new folder, swapped in when complete: the index in use is not touched until then, so a reindex
/// that is cut (Ctrl-C, a crash, a full disk) leaves it as it was.
/// </summary>
public sealed partial class SearchIndex
{
    private const string ReindexFolderName = ".reindex", SetAsideFolderName = ".reindex-old", CompleteMarker = "complete";
    private static readonly string[] StoreFiles = [FileName + "-wal", FileName + "-shm", FileName]; // the WAL first: never left beside another store

    /// <summary>This instance is the copy a reindex rebuilds: its full-text index is built by the reindex, not brought in step first.</summary>
    internal bool ForReindex { get; init; }

    /// <summary>
    /// Rebuilds the index in <paramref name="directory"/> from its stored articles: a copy of the store (articles,
    /// history, meta) in DIR/.reindex is re-analysed there with a new full-text index (with <paramref name="tokenizer"/>
    /// when given, else the one the index has), and then swapped in for the old one. Until the swap the index in use
    /// is untouched; a write to it by another process meanwhile makes the reindex stop without swapping.
    /// </summary>
    public static async Task<int> ReindexIntoNewFolderAsync(string directory, Analyzer analyzer, TokenizerKind? tokenizer = null,
        IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        string work = Path.Combine(directory, ReindexFolderName);
        int count;
        using (var current = await OpenAsync(directory, analyzer, create: false, allowMismatch: true, cancel))
        {
            current.ThrowIfReadOnly();
            // Holding the full-text index's write lock, this process is the only one reindexing, and no server runs.
            if (!current.OwnsFullText)
                throw new IndexUnusableException($"another process (a server?) holds the full-text index in {current.FullTextFolder}: stop it, then run reindex");
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true); // left by a reindex cut before its end
            Directory.CreateDirectory(work);
            try
            {
                long before = await current.StoreVersionAsync(cancel);
                await using (var c = await current.ConnectAsync(cancel))
                await using (var copy = c.CreateCommand())
                {
                    // A consistent copy, whatever the WAL holds, without stopping readers.
                    copy.CommandText = "VACUUM INTO $path";
                    copy.Parameters.AddWithValue("$path", PathIn(work));
                    await copy.ExecuteNonQueryAsync(cancel);
                }
                using (var rebuilt = await OpenCoreAsync(work, analyzer, create: false, allowMismatch: true, cancel, current.Tokenizer, null, forReindex: true))
                    count = await rebuilt.ReindexAsync(progress: progress, cancel: cancel, tokenizer: tokenizer);
                if (await current.StoreVersionAsync(cancel) != before)
                    throw new IndexUnusableException($"the index in {directory} was written to (by another process) while it was being reindexed: it is left as it was; run reindex again");
                await File.WriteAllTextAsync(Path.Combine(work, CompleteMarker), DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), cancel);
            }
            catch
            {
                SqliteConnection.ClearAllPools();
                try { Directory.Delete(work, recursive: true); }
                catch (IOException) { } // removed by the next reindex
                throw;
            }
        }
        FinishInterruptedSwap(directory);
        return count;
    }

    // The last change number of the store (0 for a store of an older schema, which other processes do not write to).
    private async Task<long> StoreVersionAsync(CancellationToken cancel)
    {
        await using var c = await ConnectAsync(cancel);
        try { return await LatestSequenceAsync(c, cancel); }
        catch (SqliteException) { return 0; }
    }

    /// <summary>
    /// Swaps in a completed reindex (DIR/.reindex with its marker) whose swap was cut: the old store and full-text
    /// index go aside, the new ones take their place, then both folders are removed. Every step is a rename that is
    /// skipped once done, so it can be cut and run again; a lock file keeps two processes from doing it at once.
    /// </summary>
    internal static void FinishInterruptedSwap(string directory)
    {
        string work = Path.Combine(directory, ReindexFolderName);
        if (!File.Exists(Path.Combine(work, CompleteMarker))) return;
        using var swapLock = TakeSwapLock(directory);
        if (!File.Exists(Path.Combine(work, CompleteMarker))) return; // another process finished it meanwhile
        SqliteConnection.ClearAllPools();
        string aside = Path.Combine(directory, SetAsideFolderName);
        Directory.CreateDirectory(aside);
        if (File.Exists(Path.Combine(work, FileName)))
        {
            foreach (var name in StoreFiles) MoveIfThere(Path.Combine(directory, name), Path.Combine(aside, name));
            foreach (var name in StoreFiles) MoveIfThere(Path.Combine(work, name), Path.Combine(directory, name));
        }
        string newFullText = Path.Combine(work, FullTextFolderName);
        if (Directory.Exists(newFullText))
        {
            string current = Path.Combine(directory, FullTextFolderName), old = Path.Combine(aside, FullTextFolderName);
            if (Directory.Exists(current))
            {
                if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
                Directory.Move(current, old);
            }
            Directory.Move(newFullText, current);
        }
        File.Delete(Path.Combine(work, CompleteMarker));
        Directory.Delete(work, recursive: true);
        Directory.Delete(aside, recursive: true);
    }

    private static void MoveIfThere(string from, string to)
    {
        if (!File.Exists(from)) return;
        File.Move(from, to, overwrite: true);
    }

    private static FileStream TakeSwapLock(string directory)
    {
        string path = Path.Combine(directory, ".reindex.lock");
        for (int attempt = 0; ; attempt++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose); }
            catch (IOException) when (attempt < 300) { Thread.Sleep(100); } // another process is swapping: 30 s at most
        }
    }
}
