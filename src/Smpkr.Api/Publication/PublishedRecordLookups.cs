using System.Threading.Channels;
using Npgsql;

namespace Smpkr.Api.Publication;

/// <summary>
/// Published records by code for many concurrent requests at once. Each request queues its code; a
/// few readers take everything queued and look it up in one statement, so thirty-two clients asking
/// at the same moment cost PostgreSQL a handful of statements instead of thirty-two (most of a
/// single-row read is the statement, not the row). A request that finds a reader idle is looked up
/// at once, alone: nothing waits for a batch to fill. A request joins only a statement that has not
/// started yet, so it sees every change committed before it arrived.
/// </summary>
public sealed class PublishedRecordLookups : IAsyncDisposable
{
    /// <summary>At most this many statements at a time; more requests wait for the next one.</summary>
    public const int Readers = 4;

    /// <summary>At most this many codes in one statement.</summary>
    public const int MaxBatch = 128;

    private readonly Channel<Lookup> _queue = Channel.CreateUnbounded<Lookup>();
    private readonly NpgsqlDataSource _source;
    private readonly Task[] _readers;

    public PublishedRecordLookups(PublicationSources sources)
    {
        _source = sources.Reads;
        _readers = Enumerable.Range(0, Readers).Select(_ => Task.Run(ReadAsync)).ToArray();
    }

    /// <summary>How many statements have run since start (tests read it to see requests share them).</summary>
    public long Statements => Interlocked.Read(ref _statements);

    private long _statements;

    private sealed record Lookup(string Type, string Code, TaskCompletionSource<(StoredRecord Record, bool ByAlias)?> Answer);

    /// <summary>The current published record with this code, or, failing that, the record this alias belongs to.</summary>
    public Task<(StoredRecord Record, bool ByAlias)?> FindAsync(string type, string code, CancellationToken cancellationToken)
    {
        var lookup = new Lookup(type, code, new(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(lookup), this);

        return lookup.Answer.Task.WaitAsync(cancellationToken);
    }

    private async Task ReadAsync()
    {
        var batch = new List<Lookup>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var lookup))
            {
                batch.Add(lookup);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var found = await FindAllAsync(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.TrySetResult(found[i]);
                }
            }
            catch (Exception exception)
            {
                // Every request of the batch gets the failure (a database outage becomes their 503s).
                foreach (var lookup in batch)
                {
                    lookup.Answer.TrySetException(exception);
                }
            }
        }
    }

    /// <summary>
    /// Codes first (the hot path: one index lookup each, in one statement); the codes not found are
    /// tried as aliases (codes before a recoding) in a second statement, which a batch of existing
    /// codes never runs.
    /// </summary>
    private async Task<(StoredRecord Record, bool ByAlias)?[]> FindAllAsync(List<Lookup> batch)
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

    private async Task ReadIntoAsync(NpgsqlConnection connection, List<Lookup> batch, (StoredRecord Record, bool ByAlias)?[] found, bool byAlias, string sql)
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
            found[index] = (new StoredRecord(reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5)), byAlias);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_readers);
    }
}
