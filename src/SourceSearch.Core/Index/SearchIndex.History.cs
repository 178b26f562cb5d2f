using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using SourceSearch.Import;

namespace SourceSearch.Index;

/// <summary>Who made a change, as the audit log records it: e.g. "cli:alice", "token holder", "loopback", and from which address.</summary>
public sealed record Actor(string Who, string? Address = null)
{
    /// <summary>The user running this process, for commands run on the machine itself.</summary>
    public static Actor CurrentUser(string tool) => new($"{tool}:{Environment.UserName}");
}

/// <summary>
/// One entry of the audit log: an article replaced, deleted or restored, with the version it had before
/// (its content hash always; its content while the restore window keeps it).
/// </summary>
public sealed record HistoryEntry(
    string Id, int Version, string Action, DateTimeOffset At, string Who, string? Address,
    string? OldHash, Article? Old, bool Restorable);

public enum RestoreStatus { Restored, NoSuchArticle, NoSuchVersion, Expired, Unchanged }

public sealed record RestoreResult(RestoreStatus Status, string Message, int? Version = null);

/// <summary>
/// The audit log and the versions it keeps: every replace and delete writes the old version into
/// <c>history</c> in the same transaction as the change, so a crash can never lose one without the other.
/// A version can be restored for <see cref="RestoreDays"/> days; after that its content is purged and
/// only the audit entry (who, when, what, old content hash) stays.
/// </summary>
public sealed partial class SearchIndex
{
    public const int DefaultRestoreDays = 30;

    /// <summary>A hundred years: longer windows are refused (dates that far back are out of range).</summary>
    public const int MaxRestoreDays = 36_500;

    /// <summary>Days a replaced or deleted version can be restored (configuration Index:RestoreDays).</summary>
    public int RestoreDays { get; set; } = DefaultRestoreDays;

    /// <summary>The clock of the audit log (tests move it on to see the window close).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Index:RestoreDays from the configuration, or the default; a negative or unreadable value is an error that says so.</summary>
    public static int RestoreDaysFrom(IConfiguration configuration)
    {
        string? given = configuration["Index:RestoreDays"];
        if (string.IsNullOrWhiteSpace(given)) return DefaultRestoreDays;
        if (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out int days))
            throw new IndexUnusableException($"the setting Index:RestoreDays is '{given}': give a whole number of days (0 keeps no old versions)");
        if (days > MaxRestoreDays)
            throw new IndexUnusableException($"the setting Index:RestoreDays is {days:N0}: give at most {MaxRestoreDays:N0} days (a hundred years)");
        return days;
    }

    // Additive: an index made before the audit log gets the table when next opened; no schema version change.
    private const string HistorySchema = """
        CREATE TABLE IF NOT EXISTS history(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            action TEXT NOT NULL,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            address TEXT,
            old_hash TEXT,
            title TEXT, author TEXT, date TEXT, source TEXT, url TEXT, text TEXT);
        CREATE UNIQUE INDEX IF NOT EXISTS history_id ON history(id, version);
        CREATE INDEX IF NOT EXISTS history_kept ON history(at) WHERE text IS NOT NULL;
        """;

    private static async Task EnsureHistoryAsync(SqliteConnection c, CancellationToken cancel)
    {
        if (await ScalarAsync<long>(c, "SELECT count(*) FROM sqlite_master WHERE name = 'history_kept'", cancel) > 0) return;
        await ExecuteAsync(c, HistorySchema, cancel);
    }

    /// <summary>A replace, delete or restore about to change article <paramref name="doc"/>, and by whom.</summary>
    private sealed record Change(string Action, Actor Actor, DateTimeOffset At, int RestoreDays);

    private Change NewChange(string action, Actor? actor) =>
        new(action, actor ?? Actor.CurrentUser("process"), Clock.GetUtcNow(), Math.Clamp(RestoreDays, 0, MaxRestoreDays));

    /// <summary>
    /// Copies the stored version of <paramref name="doc"/> into the history (inside the caller's transaction,
    /// before it changes the article), then purges the content of versions past the restore window.
    /// </summary>
    private static async Task RecordOldVersionAsync(SqliteConnection c, SqliteTransaction tx, long doc, Change change, CancellationToken cancel)
    {
        await using (var insert = Command(c, tx, """
            INSERT INTO history(id, version, action, at, who, address, old_hash, title, author, date, source, url, text)
            SELECT a.id, COALESCE((SELECT max(version) FROM history h WHERE h.id = a.id), 0) + 1, $action, $at, $who, $address,
                   printf('%016x', a.content_hash), a.title, a.author, a.date, a.source, a.url, a.text
            FROM articles a WHERE a.doc = $doc
            """, ("$action", change.Action), ("$at", Stamp(change.At)), ("$who", change.Actor.Who), ("$address", change.Actor.Address), ("$doc", doc)))
            await insert.ExecuteNonQueryAsync(cancel);
        await PurgeAsync(c, tx, change, cancel);
    }

    // A window of 0 days keeps no content at all, not even the version just recorded.
    private static async Task PurgeAsync(SqliteConnection c, SqliteTransaction tx, Change change, CancellationToken cancel)
    {
        await using var purge = Command(c, tx, """
            UPDATE history SET title = NULL, author = NULL, date = NULL, source = NULL, url = NULL, text = NULL
            WHERE text IS NOT NULL AND (at < $cutoff OR $none)
            """, ("$cutoff", Stamp(change.At.AddDays(-change.RestoreDays))), ("$none", change.RestoreDays == 0));
        await purge.ExecuteNonQueryAsync(cancel);
    }

    // Fixed-width UTC timestamps: they compare as text in the order of time.
    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    /// <summary>The audit log of one article (oldest first), or of every article (newest first, at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string? id, int limit = 100, CancellationToken cancel = default)
    {
        await using var c = await ConnectAsync(cancel);
        var result = new List<HistoryEntry>();
        if (!await HasHistoryTableAsync(c, cancel)) return result;
        string sql = "SELECT id, version, action, at, who, address, old_hash, title, text, author, date, source, url FROM history " +
                     (id is null ? "ORDER BY seq DESC LIMIT $limit" : "WHERE id = $id ORDER BY version");
        await using var cmd = Command(c, null, sql, ("$id", id), ("$limit", limit));
        await using var r = await cmd.ExecuteReaderAsync(cancel);
        int days = Math.Clamp(RestoreDays, 0, MaxRestoreDays);
        var cutoff = Clock.GetUtcNow().AddDays(-days);
        while (await r.ReadAsync(cancel))
        {
            var at = DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Article? old = r.IsDBNull(8) ? null
                : new Article(r.GetString(0), Str(r, 7) ?? "", TextColumn.Read(r, 8), Str(r, 9), Str(r, 10), Str(r, 11), Str(r, 12));
            result.Add(new HistoryEntry(r.GetString(0), r.GetInt32(1), r.GetString(2), at, r.GetString(4), Str(r, 5), Str(r, 6), old,
                old is not null && days > 0 && at >= cutoff));
        }
        return result;
    }

    private static async Task<bool> HasHistoryTableAsync(SqliteConnection c, CancellationToken cancel) =>
        await ScalarAsync<long>(c, "SELECT count(*) FROM sqlite_master WHERE name = 'history'", cancel) > 0;

    /// <summary>
    /// Puts back the version <paramref name="version"/> of an article (default: the latest one kept), recording
    /// the version it replaces, if any, in the history. Refused, with a reason, for an unknown article or version,
    /// a version past the restore window, or one equal to what the article holds now.
    /// </summary>
    public async Task<RestoreResult> RestoreAsync(string id, int? version = null, Actor? actor = null, CancellationToken cancel = default)
    {
        ThrowIfReadOnly();
        var entries = await HistoryAsync(id, cancel: cancel);
        bool exists = await GetAsync(id, cancel) is not null;
        if (entries.Count == 0)
            return new RestoreResult(RestoreStatus.NoSuchArticle, exists
                ? $"the article '{id}' has never been replaced or deleted: there is no earlier version to restore"
                : $"there is no article '{id}' and no history of one");
        HistoryEntry? entry;
        if (version is { } n)
        {
            entry = entries.FirstOrDefault(e => e.Version == n);
            if (entry is null)
                return new RestoreResult(RestoreStatus.NoSuchVersion, $"the article '{id}' has no version {n}: its versions are 1 to {entries[^1].Version} (see `history`)");
            if (entry.OldHash is null)
                return new RestoreResult(RestoreStatus.NoSuchVersion, $"version {n} of '{id}' records a restore into an absent article: it holds no content to restore", n);
        }
        else entry = entries.LastOrDefault(e => e.OldHash is not null);
        if (entry is null) return new RestoreResult(RestoreStatus.NoSuchVersion, $"the article '{id}' has no earlier version to restore");
        if (!entry.Restorable)
            return new RestoreResult(RestoreStatus.Expired,
                $"version {entry.Version} of '{id}' ({entry.Action}d {entry.At:yyyy-MM-dd HH:mm} UTC) is past the restore window of {RestoreDays} days " +
                "(setting Index:RestoreDays): its content is no longer kept, only its audit entry", entry.Version);

        var prepared = Prepare(entry.Old!, ContentHash(entry.Old!));
        var change = NewChange("restore", actor);
        AddOutcome outcome;
        try
        {
            await using var c = await ConnectAsync(cancel);
            await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancel);
            await using var statements = new Statements(c) { Transaction = tx };
            outcome = await WriteAsync(statements, prepared, change, cancel);
            if (outcome == AddOutcome.Added)
            {
                // Nothing was there to keep: the audit log still records who restored what.
                await using var log = Command(c, tx, """
                    INSERT INTO history(id, version, action, at, who, address)
                    VALUES($id, COALESCE((SELECT max(version) FROM history WHERE id = $id), 0) + 1, 'restore', $at, $who, $address)
                    """, ("$id", id), ("$at", Stamp(change.At)), ("$who", change.Actor.Who), ("$address", change.Actor.Address));
                await log.ExecuteNonQueryAsync(cancel);
            }
            if (outcome != AddOutcome.Unchanged) await tx.CommitAsync(cancel);
        }
        catch (SqliteException e) when (WriteFailure(e) is { } failure) { ForgetAnalysed(); throw failure; }
        catch { ForgetAnalysed(); throw; }
        if (outcome != AddOutcome.Unchanged) await CatchUpAsync(cancel);
        return outcome == AddOutcome.Unchanged
            ? new RestoreResult(RestoreStatus.Unchanged, $"the article '{id}' already holds version {entry.Version}'s content: nothing to restore", entry.Version)
            : new RestoreResult(RestoreStatus.Restored, $"restored version {entry.Version} of '{id}'", entry.Version);
    }
}
