using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Npgsql;

namespace Smpkr.Api.Publication;

/// <summary>
/// Published records by type and code (or alias) as last read, so that the hottest open-data read
/// is answered from memory. Freshness comes from the feed, which names every published change:
/// <list type="bullet">
/// <item>a change appended by this service marks its code at once (before commit, so a reader between
/// append and commit is not cached either);</item>
/// <item><see cref="PublishedRecordFollower"/> reads the feed's new entries from the primary a few times a
/// second and marks their codes, so changes written through another replica are seen as well;</item>
/// <item>an entry is used only while it is at least as new as the last change marked for its record's
/// code (and, after a recoding, its previous code), and never for longer than the HTTP freshness
/// lifetime (<c>OpenData:MaxAgeSeconds</c>) that every other cache of these answers is allowed.</item>
/// </list>
/// So a record is never served older than a shared HTTP cache could serve it, and in the usual case
/// it is replaced within the follower's interval of any change. <c>OpenData:RecordCacheSize</c> bounds
/// the entries (default 40 000, about 62 MB for the generated register: each record is kept as its UTF-8
/// JSON; 0 turns the cache off).
/// </summary>
public sealed class PublishedRecordCache
{
    private readonly ConcurrentDictionary<(string Type, string Code), Entry> _entries = new();
    private readonly ConcurrentDictionary<(string Type, string Code), Mark> _changed = new();
    private ConcurrentQueue<(string Type, string Code)> _order = new();
    private int _count;
    private readonly TimeProvider _clock;
    private readonly long _lifetime;
    private readonly Counter<long> _lookups;

    public PublishedRecordCache(IConfiguration configuration, TimeProvider clock, IMeterFactory meters)
    {
        _clock = clock;
        Capacity = Math.Max(0, configuration.GetValue("OpenData:RecordCacheSize", 40_000));
        var seconds = Math.Max(0, configuration.GetValue("OpenData:MaxAgeSeconds", 60));
        _lifetime = (long)(seconds * (double)clock.TimestampFrequency);
        if (seconds == 0)
        {
            Capacity = 0;
        }

        _lookups = meters.Create(Hosting.RegisterMetrics.MeterName).CreateCounter<long>("smpkr.open_data.record_cache.lookups", description: "Published-record lookups by code, by outcome (hit or miss).");
    }

    /// <summary>The most entries kept; 0 when the cache is off.</summary>
    public int Capacity { get; }

    /// <summary>How many records are kept now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>How many lookups were answered from memory since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    private long _hits;

    private sealed record Entry(StoredRecord Record, bool ByAlias, long ReadAt);

    private readonly record struct Mark(long Sequence, long MarkedAt);

    public bool TryGet(string type, string code, out StoredRecord record, out bool byAlias)
    {
        (record, byAlias) = (null!, false);
        if (Capacity == 0)
        {
            return false;
        }

        if (_entries.TryGetValue((type, code), out var entry) && Current(type, entry))
        {
            (record, byAlias) = (entry.Record, entry.ByAlias);
            Interlocked.Increment(ref _hits);
            _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "hit"));
            return true;
        }

        _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "miss"));
        return false;
    }

    /// <summary>Keeps a record just read from the database, unless a newer change of it is already known.</summary>
    public void Put(string type, string code, StoredRecord record, bool byAlias)
    {
        if (Capacity == 0)
        {
            return;
        }

        var entry = new Entry(record, byAlias, _clock.GetTimestamp());
        if (!Current(type, entry))
        {
            return;
        }

        var key = (type, code);
        if (_entries.TryGetValue(key, out _))
        {
            _entries[key] = entry;
            return;
        }

        // Full: drop the entries kept longest ago. The count and the order are kept beside the dictionary:
        // ConcurrentDictionary's Count and Keys take every lock and copy every key, which at 20 000 entries
        // made each miss on a full cache cost more than the database read it saved.
        while (Volatile.Read(ref _count) >= Capacity && _order.TryDequeue(out var oldest))
        {
            if (_entries.TryRemove(oldest, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        if (_entries.TryAdd(key, entry))
        {
            Interlocked.Increment(ref _count);
            _order.Enqueue(key);
        }
        else
        {
            _entries[key] = entry;
        }
    }

    /// <summary>
    /// A published change of <paramref name="code"/> (and, for a recoding, of <paramref name="previousCode"/>) with this feed number.
    /// Marked before the writer commits; should it roll back, the record stays older than its mark and is
    /// simply not kept in memory until its next change (a lost hit, never a stale answer).
    /// </summary>
    public void Changed(string type, string code, string? previousCode, long sequence)
    {
        if (Capacity == 0)
        {
            return;
        }

        var mark = new Mark(sequence, _clock.GetTimestamp());
        _changed.AddOrUpdate((type, code), mark, (_, old) => old.Sequence >= sequence ? old : mark);
        if (previousCode is not null)
        {
            _changed.AddOrUpdate((type, previousCode), mark, (_, old) => old.Sequence >= sequence ? old : mark);
        }
    }

    /// <summary>Forgets marks older than any entry may live: an entry read before them has expired anyway.</summary>
    public void Prune()
    {
        var now = _clock.GetTimestamp();
        foreach (var (key, mark) in _changed)
        {
            if (now - mark.MarkedAt > 2 * _lifetime)
            {
                _changed.TryRemove(new KeyValuePair<(string, string), Mark>(key, mark));
            }
        }

        foreach (var (key, entry) in _entries)
        {
            if (now - entry.ReadAt > _lifetime && _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry)))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        // Keys of entries removed here stay in the order until eviction reaches them; when they pile up, start it afresh.
        if (_order.Count > 2 * Math.Max(Capacity, Volatile.Read(ref _count)))
        {
            _order = new ConcurrentQueue<(string Type, string Code)>(_entries.Keys);
        }
    }

    private bool Current(string type, Entry entry) =>
        _clock.GetTimestamp() - entry.ReadAt <= _lifetime
        && (!_changed.TryGetValue((type, entry.Record.Code), out var mark) || mark.Sequence <= entry.Record.Sequence);
}

/// <summary>
/// Follows the feed on the primary and marks each change in <see cref="PublishedRecordCache"/>:
/// what keeps every replica's cache fresh when another replica wrote the change. Starts at the head
/// it finds; reads only new entries' numbers and codes (an index range on the feed's key).
/// </summary>
public sealed class PublishedRecordFollower(PublicationSources sources, PublishedRecordCache cache, IConfiguration configuration, ILogger<PublishedRecordFollower> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (cache.Capacity == 0)
        {
            return;
        }

        var interval = TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("OpenData:RecordCacheFollowMilliseconds", 250), 10, 60_000));
        long? after = null;
        var pruned = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                after = await FollowAsync(after, stoppingToken);
                if (DateTime.UtcNow - pruned > TimeSpan.FromSeconds(10))
                {
                    cache.Prune();
                    pruned = DateTime.UtcNow;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database is away (or anything else went wrong): entries still expire with their lifetime; try again shortly.
                logger.LogWarning(exception, "Could not read the change feed for the record cache");
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<long?> FollowAsync(long? after, CancellationToken cancellationToken)
    {
        await using var connection = await sources.Primary.OpenConnectionAsync(cancellationToken);
        if (after is null)
        {
            await using var head = new NpgsqlCommand("SELECT last_sequence FROM feed_head WHERE id = 1", connection);
            return await head.ExecuteScalarAsync(cancellationToken) is long last ? last : 0;
        }

        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT sequence, object_type, code, previous_code FROM feed_entries WHERE sequence > $1 ORDER BY sequence LIMIT 1000", connection);
            command.Parameters.Add(new() { Value = after.Value });
            var read = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    after = reader.GetInt64(0);
                    cache.Changed(reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), after.Value);
                    read++;
                }
            }

            if (read < 1000)
            {
                return after;
            }
        }
    }
}
