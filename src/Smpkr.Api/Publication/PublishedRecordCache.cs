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
/// it is replaced within the follower's interval of any change.
/// <para>
/// Memory is allocated once and holds no object references: the records' codes and JSON lie in a
/// ring of bytes (<c>OpenData:RecordCacheMegabytes</c>, default 64; 0 turns the cache off), where
/// each record read from the database overwrites the oldest, and an index of plain numbers says where
/// each lies. Kept as objects (a dictionary entry and an array per record), every record read outlived a
/// few collections and was copied into the collector's oldest generation only to be dropped a few
/// seconds later; with 1 000 000 records, far more than the cache holds, the service paused for
/// garbage collection 4.4 s in 95 s of load, 16–21 ms about once a second (docs/benchmarks.md). The collector has nothing to look
/// at in these arrays.
/// </para>
/// <para>
/// One writer at a time (a lock); readers take no lock. A reader copies what it found, then checks
/// that no writer has reclaimed that place meanwhile (a sequence lock's read side) and treats the read
/// as a miss if one has.
/// </para>
/// </summary>
public sealed class PublishedRecordCache
{
    /// <summary>A record longer than this share of the ring is not kept (it would evict too many others).</summary>
    private const int LargestShare = 16;

    /// <summary>Index entries per byte of ring: one per 512 bytes (published records average about 1.2 KB).</summary>
    private const int BytesPerEntry = 512;

    private readonly ConcurrentDictionary<(string Type, string Code), Mark> _changed = new();
    private readonly TimeProvider _clock;
    private readonly long _lifetime;
    private readonly Counter<long> _lookups;

    private readonly byte[] _ring;
    private readonly Entry[] _entries;
    private readonly long[] _buckets;
    private readonly int _bucketBits;
    private readonly Lock _writeLock = new();
    private string[] _types = [];

    // Entries are numbered in the order written; entry n lies at _entries[n % length]. Entries below
    // _oldest are gone (their place and their bytes may be reused); _next is the number the next one gets.
    private long _oldest;
    private long _next;
    private long _head;

    public PublishedRecordCache(IConfiguration configuration, TimeProvider clock, IMeterFactory meters)
    {
        _clock = clock;
        var megabytes = Math.Clamp(configuration.GetValue("OpenData:RecordCacheMegabytes", 64), 0, 2_047);
        var seconds = Math.Max(0, configuration.GetValue("OpenData:MaxAgeSeconds", 60));
        _lifetime = (long)(seconds * (double)clock.TimestampFrequency);
        var bytes = seconds == 0 ? 0 : megabytes * 1024L * 1024L;
        _ring = new byte[bytes];
        _entries = new Entry[bytes == 0 ? 0 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(bytes / BytesPerEntry))];
        _bucketBits = bytes == 0 ? 0 : System.Numerics.BitOperations.Log2((uint)_entries.Length) + 1;
        _buckets = new long[bytes == 0 ? 0 : 1 << _bucketBits];
        _lookups = meters.Create(Hosting.RegisterMetrics.MeterName).CreateCounter<long>("smpkr.open_data.record_cache.lookups", description: "Published-record lookups by code, by outcome (hit or miss).");
    }

    /// <summary>Bytes the cache can hold (codes and JSON); 0 when it is off.</summary>
    public long Capacity => _ring.Length;

    /// <summary>How many records are kept now (a record kept again after a change counts until its older copy is overwritten).</summary>
    public int Count => (int)(Volatile.Read(ref _next) - Volatile.Read(ref _oldest));

    /// <summary>How many lookups were answered from memory since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    private long _hits;

    /// <summary>
    /// Where a kept record lies in the ring (its key's code, then its own code when found by an alias,
    /// then its JSON) and the rest of it; <see cref="Previous"/> is the number (plus one) of the next
    /// older entry in the same bucket, 0 at the chain's end.
    /// </summary>
    private struct Entry
    {
        public long Hash;
        public long Position;
        public long Previous;
        public long Sequence;
        public long ChangedAtTicks;
        public long ReadAt;
        public int Version;
        public short OffsetMinutes;
        public byte KeyLength;
        public byte CodeLength;
        public int JsonLength;
        public bool ByAlias;
    }

    private readonly record struct Mark(long Sequence, long MarkedAt);

    public bool TryGet(string type, string code, out StoredRecord record, out bool byAlias)
    {
        (record, byAlias) = (null!, false);
        if (_ring.Length == 0)
        {
            return false;
        }

        if (Find(type, code) is { } found && Current(type, found.Record.Code, found.Record.Sequence, found.ReadAt))
        {
            (record, byAlias) = (found.Record, found.ByAlias);
            Interlocked.Increment(ref _hits);
            _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "hit"));
            return true;
        }

        _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "miss"));
        return false;
    }

    /// <summary>The newest entry kept for this type and code, copied out of the ring; null if there is none.</summary>
    private (StoredRecord Record, bool ByAlias, long ReadAt)? Find(string type, string code)
    {
        var typeIndex = Array.IndexOf(Volatile.Read(ref _types), type);
        Span<byte> key = stackalloc byte[byte.MaxValue];
        if (typeIndex < 0 || !TryEncode(code, key, out var keyLength))
        {
            return null;
        }

        key = key[..keyLength];
        var hash = Hash(typeIndex, code);
        var number = Volatile.Read(ref _buckets[Bucket(hash)]) - 1;
        // At most as many steps as there are entries: a chain read while being rewritten ends, one way or another.
        for (var step = 0; step < _entries.Length && number >= Volatile.Read(ref _oldest); step++)
        {
            var entry = _entries[number & (_entries.Length - 1)];
            var offset = (int)(entry.Position % _ring.Length);
            if (entry.Hash == hash && entry.KeyLength == keyLength && offset >= 0 && (long)offset + keyLength + entry.CodeLength + entry.JsonLength <= _ring.Length
                && _ring.AsSpan(offset, keyLength).SequenceEqual(key))
            {
                var recordCode = entry.CodeLength == 0 ? code : System.Text.Encoding.UTF8.GetString(_ring.AsSpan(offset + keyLength, entry.CodeLength));
                var json = _ring.AsSpan(offset + keyLength + entry.CodeLength, entry.JsonLength).ToArray();
                // Everything above must be read before _oldest is read again.
                Interlocked.MemoryBarrier();
                if (number < Volatile.Read(ref _oldest))
                {
                    return null;
                }

                var changedAt = new DateTimeOffset(entry.ChangedAtTicks, TimeSpan.FromMinutes(entry.OffsetMinutes));
                return (new StoredRecord(recordCode, json, entry.Sequence, changedAt, entry.Version), entry.ByAlias, entry.ReadAt);
            }

            Interlocked.MemoryBarrier();
            if (number < Volatile.Read(ref _oldest))
            {
                return null;
            }

            number = entry.Previous - 1;
        }

        return null;
    }

    /// <summary>Keeps a record just read from the database, unless a newer change of it is already known.</summary>
    public void Put(string type, string code, StoredRecord record, bool byAlias)
    {
        if (_ring.Length == 0)
        {
            return;
        }

        var readAt = _clock.GetTimestamp();
        Span<byte> key = stackalloc byte[byte.MaxValue];
        Span<byte> canonical = stackalloc byte[byte.MaxValue];
        var codeLength = 0;
        if (!TryEncode(code, key, out var keyLength)
            || (record.Code != code && !TryEncode(record.Code, canonical, out codeLength))
            || !Current(type, record.Code, record.Sequence, readAt))
        {
            return;
        }

        var length = keyLength + codeLength + record.Json.Length;
        if (length > _ring.Length / LargestShare)
        {
            return;
        }

        lock (_writeLock)
        {
            var typeIndex = Array.IndexOf(_types, type);
            if (typeIndex < 0)
            {
                typeIndex = _types.Length;
                Volatile.Write(ref _types, [.. _types, type]);
            }

            var start = _head;
            var offset = start % _ring.Length;
            if (offset + length > _ring.Length)
            {
                // A record never wraps: the end of the ring is left unused this time round.
                start += _ring.Length - offset;
                offset = 0;
            }

            var number = _next;
            Reclaim(number, start + length - _ring.Length);

            var ring = _ring.AsSpan((int)offset, length);
            key[..keyLength].CopyTo(ring);
            canonical[..codeLength].CopyTo(ring[keyLength..]);
            record.Json.CopyTo(ring[(keyLength + codeLength)..]);
            var hash = Hash(typeIndex, code);
            ref var bucket = ref _buckets[Bucket(hash)];
            _entries[number & (_entries.Length - 1)] = new Entry
            {
                Hash = hash,
                Position = start,
                Previous = bucket,
                Sequence = record.Sequence,
                ChangedAtTicks = record.ChangedAt.Ticks,
                OffsetMinutes = (short)record.ChangedAt.Offset.TotalMinutes,
                ReadAt = readAt,
                Version = record.Version,
                KeyLength = (byte)keyLength,
                CodeLength = (byte)codeLength,
                JsonLength = record.Json.Length,
                ByAlias = byAlias,
            };
            _head = start + length;
            Volatile.Write(ref _next, number + 1);
            // Last, so that a reader finds the entry only once it is whole.
            Volatile.Write(ref bucket, number + 1);
        }
    }

    /// <summary>
    /// Before entry <paramref name="number"/> is written: gives up the entry that held its place, and
    /// every entry whose bytes lie before <paramref name="position"/> (about to be overwritten).
    /// </summary>
    private void Reclaim(long number, long position)
    {
        var oldest = Math.Max(_oldest, number - _entries.Length + 1);
        while (oldest < number && _entries[oldest & (_entries.Length - 1)].Position < position)
        {
            oldest++;
        }

        if (oldest != _oldest)
        {
            // A full fence: published before any of those bytes or entries is overwritten, so that a reader
            // that copied them will see it and discard the copy.
            Interlocked.Exchange(ref _oldest, oldest);
        }
    }

    private int Bucket(long hash) => (int)(((ulong)hash * 0x9E3779B97F4A7C15UL) >> (64 - _bucketBits));

    private static long Hash(int typeIndex, string code) => ((long)typeIndex << 32) | (uint)code.GetHashCode();

    /// <summary>Codes are short (a state code is nine characters); one that is not is simply not kept.</summary>
    private static bool TryEncode(string code, Span<byte> into, out int length) =>
        System.Text.Encoding.UTF8.TryGetBytes(code, into, out length);

    /// <summary>
    /// A published change of <paramref name="code"/> (and, for a recoding, of <paramref name="previousCode"/>) with this feed number.
    /// Marked before the writer commits; should it roll back, the record stays older than its mark and is
    /// simply not kept in memory until its next change (a lost hit, never a stale answer).
    /// </summary>
    public void Changed(string type, string code, string? previousCode, long sequence)
    {
        if (_ring.Length == 0)
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

    /// <summary>Forgets marks older than any entry may live (an entry past its lifetime is never used, and is overwritten in turn).</summary>
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
    }

    private bool Current(string type, string recordCode, long sequence, long readAt) =>
        _clock.GetTimestamp() - readAt <= _lifetime
        && (!_changed.TryGetValue((type, recordCode), out var mark) || mark.Sequence <= sequence);
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
