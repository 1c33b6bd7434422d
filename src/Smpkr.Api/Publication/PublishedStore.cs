using System.Data;
using Npgsql;
using NpgsqlTypes;
using Smpkr.Api.Search;

namespace Smpkr.Api.Publication;

/// <summary>
/// Where open data is read from. Records, lists, versions, snapshots and status may come from a
/// read replica (<c>ConnectionStrings:SmpkrReadOnly</c>); the change feed always comes from the
/// primary, so a feed cursor is never ahead of the data it is compared with, and never behind what
/// a writer was told was committed.
/// </summary>
/// <param name="primary">The primary: the feed, and everything when there is no replica.</param>
/// <param name="reads">The replica (or the primary), with statements prepared on first use.</param>
/// <param name="searches">
/// The read source without prepared statements, for searches: a prepared statement may be
/// planned once for every later call, and no one plan suits both a rare word and a common one.
/// </param>
public sealed class PublicationSources(NpgsqlDataSource primary, NpgsqlDataSource reads, NpgsqlDataSource searches) : IAsyncDisposable
{
    public NpgsqlDataSource Primary => primary;

    public NpgsqlDataSource Reads => reads;

    public NpgsqlDataSource Searches => searches;

    public async ValueTask DisposeAsync()
    {
        await primary.DisposeAsync();
        if (!ReferenceEquals(reads, primary))
        {
            await reads.DisposeAsync();
        }

        await searches.DisposeAsync();
    }
}

/// <summary>
/// One published record as stored: its public JSON, as the UTF-8 bytes PostgreSQL sends and the
/// response carries (never decoded to a string on the way), and the feed entry that produced it.
/// </summary>
public sealed record StoredRecord(string Code, byte[] Json, long Sequence, DateTimeOffset ChangedAt, int Version)
{
    /// <summary>Reads code, content, sequence, time and version from these five columns of a row.</summary>
    public static StoredRecord Read(NpgsqlDataReader reader, int first = 0) =>
        new(reader.GetString(first), reader.GetFieldValue<byte[]>(first + 1), reader.GetInt64(first + 2), reader.GetFieldValue<DateTimeOffset>(first + 3), reader.GetInt32(first + 4));
}

/// <summary>One change-feed entry as stored; its record (or patch) as UTF-8 JSON, like <see cref="StoredRecord.Json"/>.</summary>
public sealed record StoredChange(long Sequence, string Op, string ObjectType, string Code, string? PreviousCode, int Version, DateOnly ValidFrom, DateTimeOffset RecordedAt, byte[] Json);

/// <summary>The feed's head: the last sequence number handed out and when.</summary>
public sealed record FeedPosition(long Head, DateTimeOffset? LastChangeAt);

/// <summary>Reads of the published tables; nothing here touches drafts, pending changes or the audit log.</summary>
public sealed class PublishedStore(PublicationSources sources, PublishedRecordCache cache, PublishedRecordLookups lookups, SearchMirror mirror)
{
    /// <summary>
    /// Searches that need every match count them in the replica's mirror, which follows the primary;
    /// a page read from a lagging read replica then leaves out a record it does not have yet.
    /// </summary>
    private readonly RegisterSearch _search = new(sources.Searches, mirror);

    /// <summary>
    /// Search among published records only (the search index of the read source), then their
    /// published content in the order found.
    /// </summary>
    public async Task<(List<StoredRecord> Records, SearchResult Result)> SearchAsync(string type, SearchRequest request, CancellationToken cancellationToken)
    {
        var result = await _search.SearchAsync(type, request, SearchVisibility.PublishedOnly, cancellationToken);
        if (result.Ids.Count == 0)
        {
            return ([], result);
        }

        await using var command = sources.Reads.CreateCommand(
            "SELECT record_id, code, content::text, sequence, changed_at, version FROM published_records WHERE record_id = ANY($1)");
        command.Parameters.Add(new() { Value = result.Ids.ToArray() });
        var found = new Dictionary<Guid, StoredRecord>(result.Ids.Count);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found[reader.GetGuid(0)] = StoredRecord.Read(reader, first: 1);
            }
        }

        // Index rows and published rows are written in the same transaction; a record indexed without a published row is left out rather than shown.
        return ([.. result.Ids.Where(found.ContainsKey).Select(id => found[id])], result);
    }

    public async Task<FeedPosition> HeadAsync(bool fromPrimary, CancellationToken cancellationToken)
    {
        await using var command = (fromPrimary ? sources.Primary : sources.Reads).CreateCommand("SELECT last_sequence, last_change_at FROM feed_head WHERE id = 1");
        return await ReadHeadAsync(command, cancellationToken);
    }

    private static async Task<FeedPosition> ReadHeadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new FeedPosition(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1))
            : new FeedPosition(0, null);
    }

    /// <summary>The current published record with this code, or, failing that, the record this alias belongs to.</summary>
    public async Task<(StoredRecord Record, bool ByAlias)?> FindAsync(string type, string code, CancellationToken cancellationToken)
    {
        if (cache.TryGet(type, code, out var cached, out var cachedByAlias))
        {
            return (cached, cachedByAlias);
        }

        // Concurrent requests share statements (an alias, a code before a recoding, is the rare second try).
        if (await lookups.FindAsync(type, code, cancellationToken) is { } found)
        {
            cache.Put(type, code, found.Record, found.ByAlias);
            return found;
        }

        return null;
    }

    /// <summary>
    /// The record as published at <paramref name="asOf"/> (transaction time) and/or in the version in
    /// force on <paramref name="validAt"/> (valid time): the latest feed entry that satisfies both.
    /// </summary>
    public async Task<StoredRecord?> HistoricalAsync(string type, string code, DateTimeOffset? asOf, DateOnly? validAt, CancellationToken cancellationToken)
    {
        await using var command = sources.Reads.CreateCommand(
            $"""
            {Target}
            SELECT e.code, e.content::text, e.sequence, e.recorded_at, e.version
            FROM feed_entries e JOIN target t ON t.record_id = e.record_id
            WHERE {HistoryCondition("e")}
            ORDER BY e.version DESC, e.sequence DESC
            LIMIT 1
            """);
        command.Parameters.Add(new() { Value = type });
        command.Parameters.Add(new() { Value = code });
        AddHistoryParameters(command, asOf, validAt);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoredRecord.Read(reader) : null;
    }

    /// <summary>Each published version of a record as last published before <paramref name="asOf"/>, oldest first.</summary>
    public async Task<List<StoredRecord>?> VersionsAsync(string type, string code, DateTimeOffset? asOf, DateOnly? validAt, CancellationToken cancellationToken)
    {
        await using var command = sources.Reads.CreateCommand(
            $"""
            {Target}
            SELECT DISTINCT ON (e.version) e.code, e.content::text, e.sequence, e.recorded_at, e.version
            FROM feed_entries e JOIN target t ON t.record_id = e.record_id
            WHERE {HistoryCondition("e")}
            ORDER BY e.version, e.sequence DESC
            """);
        command.Parameters.Add(new() { Value = type });
        command.Parameters.Add(new() { Value = code });
        AddHistoryParameters(command, asOf, validAt);
        var versions = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(StoredRecord.Read(reader));
        }

        if (versions.Count == 0)
        {
            return await FindAsync(type, code, cancellationToken) is null ? null : versions;
        }

        // With validAt, only the version in force on that day.
        return validAt is null ? versions : [versions[^1]];
    }

    /// <summary>
    /// A page of published records ordered by code, after <paramref name="afterCode"/>: the current
    /// ones, or as published at <paramref name="asOf"/> / in force on <paramref name="validAt"/>.
    /// </summary>
    public async Task<List<StoredRecord>> ListAsync(
        string type, string[]? kinds, string[]? statuses, string? afterCode, int limit, DateTimeOffset? asOf, DateOnly? validAt, CancellationToken cancellationToken)
    {
        var historical = asOf is not null || validAt is not null;
        var source = historical
            ? $"""
               (SELECT * FROM (
                   SELECT DISTINCT ON (e.record_id) e.code, e.content, e.sequence, e.recorded_at AS changed_at, e.version,
                          e.content->>'kind' AS kind, e.content->>'status' AS status
                   FROM feed_entries e
                   WHERE e.object_type = $1 AND {HistoryCondition("e")}
                   ORDER BY e.record_id, e.version DESC, e.sequence DESC) latest
                WHERE code > $4)
               """
            : "(SELECT code, content, sequence, changed_at, version, kind, status FROM published_records WHERE object_type = $1 AND code > $4)";
        await using var command = sources.Reads.CreateCommand(
            $"""
            SELECT code, content::text, sequence, changed_at, version FROM {source} r
            WHERE ($2::text[] IS NULL OR r.kind = ANY($2)) AND ($3::text[] IS NULL OR r.status = ANY($3))
            ORDER BY code
            LIMIT $5
            """);
        command.Parameters.Add(new() { Value = type });
        command.Parameters.Add(new() { Value = (object?)kinds ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)statuses ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = afterCode ?? string.Empty });
        command.Parameters.Add(new() { Value = limit });
        if (historical)
        {
            AddHistoryParameters(command, asOf, validAt, first: 6);
        }

        var page = new List<StoredRecord>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(StoredRecord.Read(reader));
        }

        return page;
    }

    /// <summary>Feed entries after <paramref name="after"/>, in order, from the primary.</summary>
    public async Task<(List<StoredChange> Entries, FeedPosition Head)> ChangesAsync(long after, int limit, string[]? types, bool patches, CancellationToken cancellationToken)
    {
        await using var connection = await sources.Primary.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT last_sequence, last_change_at FROM feed_head WHERE id = 1"),
                new NpgsqlBatchCommand(
                    $"""
                    SELECT sequence, op, object_type, code, previous_code, version, valid_from, recorded_at, {(patches ? "coalesce(patch, content)" : "content")}::text
                    FROM feed_entries
                    WHERE sequence > $1 AND ($2::text[] IS NULL OR object_type = ANY($2))
                    ORDER BY sequence
                    LIMIT $3
                    """)
                {
                    Parameters =
                    {
                        new() { Value = after },
                        new() { Value = (object?)types ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                        new() { Value = limit },
                    },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var head = new FeedPosition(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
        await reader.NextResultAsync(cancellationToken);
        var entries = new List<StoredChange>(limit);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new StoredChange(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5), reader.GetFieldValue<DateOnly>(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<byte[]>(8)));
        }

        return (entries, head);
    }

    /// <summary>Head, counts per type and status, and the time of the last change, all from one database snapshot.</summary>
    public async Task<(FeedPosition Head, List<(string Type, string Status, long Count)> Counts)> StatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await sources.Reads.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var headCommand = new NpgsqlCommand("SELECT last_sequence, last_change_at FROM feed_head WHERE id = 1", connection, transaction);
        var head = await ReadHeadAsync(headCommand, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT object_type, status, count(*) FROM published_records GROUP BY object_type, status ORDER BY 1, 2", connection, transaction);
        var counts = new List<(string, string, long)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                counts.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return (head, counts);
    }

    /// <summary>
    /// Opens a read-only repeatable-read transaction for a snapshot: the head it returns and every row
    /// read afterwards through <see cref="Snapshot"/> come from one database snapshot.
    /// </summary>
    public async Task<Snapshot> BeginSnapshotAsync(CancellationToken cancellationToken)
    {
        var connection = await sources.Reads.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await using var command = new NpgsqlCommand("SELECT last_sequence, last_change_at FROM feed_head WHERE id = 1", connection, transaction);
            return new Snapshot(connection, transaction, await ReadHeadAsync(command, cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The record a code or an alias ($1 type, $2 code) names, as a CTE <c>target(record_id)</c>.</summary>
    private const string Target = """
        WITH target AS (
            SELECT record_id FROM published_records WHERE object_type = $1 AND code = $2
            UNION
            SELECT record_id FROM record_aliases WHERE object_type = $1 AND code = $2)
        """;

    private static string HistoryCondition(string alias) =>
        $"({alias}.recorded_at <= coalesce($asOf, 'infinity'::timestamptz)) AND ($validAt::date IS NULL OR {alias}.valid_from <= $validAt)";

    private static void AddHistoryParameters(NpgsqlCommand command, DateTimeOffset? asOf, DateOnly? validAt, int first = 3)
    {
        command.CommandText = command.CommandText
            .Replace("$asOf", $"${first}::timestamptz", StringComparison.Ordinal)
            .Replace("$validAt", $"${first + 1}", StringComparison.Ordinal);
        command.Parameters.Add(new() { Value = (object?)asOf ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)validAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
    }
}

/// <summary>A consistent read of the published state, stamped with the feed head it matches.</summary>
public sealed class Snapshot(NpgsqlConnection connection, NpgsqlTransaction transaction, FeedPosition head) : IAsyncDisposable
{
    public FeedPosition Head => head;

    /// <summary>The published records of the types (UTF-8 JSON), by type and code, streamed row by row.</summary>
    public async IAsyncEnumerable<byte[]> RecordsAsync(string[] types, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT content::text FROM published_records WHERE object_type = ANY($1) ORDER BY object_type, code", connection, transaction);
        command.Parameters.Add(new() { Value = types });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader.GetFieldValue<byte[]>(0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
