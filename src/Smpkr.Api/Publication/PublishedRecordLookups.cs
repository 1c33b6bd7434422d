using Npgsql;
using Smpkr.Api.Data;

namespace Smpkr.Api.Publication;

/// <summary>
/// Published records by code for many concurrent requests at once: the codes queued together are
/// looked up in one statement (<see cref="SharedReads{TKey, TResult}"/>).
/// </summary>
public sealed class PublishedRecordLookups : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly SharedReads<(string Type, string Code), (StoredRecord Record, bool ByAlias)?> _reads;

    public PublishedRecordLookups(PublicationSources sources)
    {
        _source = sources.Reads;
        _reads = new(FindAllAsync);
    }

    /// <summary>How many statements have run since start (tests read it to see requests share them).</summary>
    public long Statements => Interlocked.Read(ref _statements);

    private long _statements;

    /// <summary>The current published record with this code, or, failing that, the record this alias belongs to.</summary>
    public Task<(StoredRecord Record, bool ByAlias)?> FindAsync(string type, string code, CancellationToken cancellationToken) =>
        _reads.ReadAsync((type, code), cancellationToken);

    /// <summary>
    /// Codes first (the hot path: one index lookup each, in one statement); the codes not found are
    /// tried as aliases (codes before a recoding) in a second statement, which a batch of existing
    /// codes never runs.
    /// </summary>
    private async Task<(StoredRecord Record, bool ByAlias)?[]> FindAllAsync(IReadOnlyList<(string Type, string Code)> batch)
    {
        var found = new (StoredRecord Record, bool ByAlias)?[batch.Count];
        await using var connection = await _source.OpenConnectionAsync();
        await ReadIntoAsync(connection, batch, found, byAlias: false,
            """
            SELECT q.i, p.code, p.content::text, p.sequence, p.changed_at, p.version
            FROM unnest($1::text[], $2::text[]) WITH ORDINALITY q(object_type, code, i)
            JOIN published_records p ON p.object_type = q.object_type AND p.code = q.code
            """);
        if (found.Any(f => f is null))
        {
            await ReadIntoAsync(connection, batch, found, byAlias: true,
                """
                SELECT q.i, p.code, p.content::text, p.sequence, p.changed_at, p.version
                FROM unnest($1::text[], $2::text[]) WITH ORDINALITY q(object_type, code, i)
                JOIN record_aliases a ON a.object_type = q.object_type AND a.code = q.code
                JOIN published_records p ON p.record_id = a.record_id
                """);
        }

        return found;
    }

    private async Task ReadIntoAsync(NpgsqlConnection connection, IReadOnlyList<(string Type, string Code)> batch, (StoredRecord Record, bool ByAlias)?[] found, bool byAlias, string sql)
    {
        var missing = Enumerable.Range(0, batch.Count).Where(i => found[i] is null).ToList();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = missing.Select(i => batch[i].Type).ToArray() });
        command.Parameters.Add(new() { Value = missing.Select(i => batch[i].Code).ToArray() });
        Interlocked.Increment(ref _statements);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var index = missing[(int)reader.GetInt64(0) - 1];
            found[index] = (StoredRecord.Read(reader, first: 1), byAlias);
        }
    }

    public ValueTask DisposeAsync() => _reads.DisposeAsync();
}
