using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Smpkr.Api.Search;

/// <summary>
/// Each replica's copy of <c>search_entries</c> in memory (<see cref="MirrorIndex"/>), so that a search
/// whose answer needs every match (words, facets, a total) counts them in memory instead of reading
/// them from the table. The table stays the truth, written in the same transaction as the record.
/// <para>
/// Up to date, not eventually: before a search uses the mirror it reads, in one statement, the entries
/// and removals written by transactions at or after the oldest one still running at its previous read
/// (<c>pg_snapshot_xmin</c>; the SearchEntryChanges migration stamps each row with its writer), and the
/// snapshot's own oldest running transaction for next time. A transaction that commits late is older
/// than that mark, so it is read when it commits; a row read twice is recognised by its writer. So a
/// search sees every write committed before it began, whichever replica wrote it. Searches that arrive
/// while a read is under way share the next one.
/// </para>
/// <para>
/// The entries are loaded in the background when the first search that needs them arrives. Until that
/// load completes, and where <c>Search:Memory</c> is false, searches run in PostgreSQL; the answers are
/// the same (<c>SearchMirrorTests</c>).
/// </para>
/// </summary>
public sealed partial class SearchMirror(NpgsqlDataSource dataSource, IConfiguration configuration, ILogger<SearchMirror> logger) : BackgroundService
{
    /// <summary>Words whose forms are kept; beyond this many the cache starts again.</summary>
    private const int MaxCachedWords = 50_000;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, WordForms> _words = new(StringComparer.Ordinal);
    private readonly bool _enabled = configuration.GetValue("Search:Memory", true);

    /// <summary>Dead documents (replaced or removed entries) beyond which, and beyond a quarter of the live ones, the index is loaded afresh.</summary>
    private readonly int _rebuildDead = configuration.GetValue("Search:MemoryRebuildDead", 10_000);
    private readonly SemaphoreSlim _loadWanted = new(0, 1);
    private int _loading;
    private int _loads;
    private volatile MirrorIndex? _current;
    private long _answered;

    /// <summary>
    /// Asks the background loader for a fresh index, unless a load is already wanted or under way: the first
    /// search that would use one asks, and so does a catch-up that finds too many dead documents or the table truncated.
    /// </summary>
    public void RequestLoad()
    {
        if (_enabled && Interlocked.Exchange(ref _loading, 1) == 0)
        {
            _loadWanted.Release();
        }
    }

    /// <summary>True once the mirror answers searches.</summary>
    public bool Ready => _current is not null;

    /// <summary>False when <c>Search:Memory</c> is off: every search runs in PostgreSQL.</summary>
    public bool Enabled => _enabled;

    /// <summary>Entries in memory (0 until loaded).</summary>
    public int Entries => _current?.Live ?? 0;

    /// <summary>Loads of the whole index since start-up (the first, and each fresh one).</summary>
    public int Loads => Volatile.Read(ref _loads);

    /// <summary>Searches answered from memory since start-up.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    internal void CountAnswer() => Interlocked.Increment(ref _answered);

    /// <summary>
    /// The index, up to date with every write committed before this call; null while it is not loaded
    /// (the caller then asks PostgreSQL).
    /// </summary>
    internal async Task<MirrorIndex?> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_current is null)
        {
            return null;
        }

        var asked = Stopwatch.GetTimestamp();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var index = _current!;
            if (index.CaughtUpFrom > asked)
            {
                // A read that began after this search arrived has completed: nothing committed before it is missing.
                return index;
            }

            var started = Stopwatch.GetTimestamp();
            if (!await CatchUpAsync(index, cancellationToken))
            {
                // Truncated, or another database: PostgreSQL answers until a fresh index is loaded.
                LogTruncated(logger);
                _current = null;
                RequestLoad();
                return null;
            }

            index.CaughtUpFrom = started;
            if (index.Dead > _rebuildDead && index.Dead > index.Live / 4)
            {
                // The index in use keeps answering while a fresh one loads.
                RequestLoad();
            }

            return index;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How each word reads in the text configurations, from memory or in one statement for the words not seen before.</summary>
    internal async Task<IReadOnlyList<WordForms>> FormsAsync(IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        var forms = new WordForms?[words.Count];
        var missing = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            if (_words.TryGetValue(words[i], out var known))
            {
                forms[i] = known;
            }
            else if (!missing.Contains(words[i], StringComparer.Ordinal))
            {
                missing.Add(words[i]);
            }
        }

        if (missing.Count > 0)
        {
            await using var command = dataSource.CreateCommand("""
                SELECT w,
                       tsvector_to_array(to_tsvector('smpkr_lt', w)),
                       tsvector_to_array(to_tsvector('smpkr_en', w)),
                       tsvector_to_array(to_tsvector('smpkr_simple', w)),
                       smpkr_fold(lw)
                FROM unnest($1::text[], $2::text[]) AS t(w, lw)
                """);
            command.Parameters.Add(new() { Value = missing.ToArray() });
            command.Parameters.Add(new() { Value = missing.Select(w => w.ToLowerInvariant()).ToArray() });
            var read = new Dictionary<string, WordForms>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var word = new WordForms(reader.GetString(0), reader.GetFieldValue<string[]>(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<string[]>(3), reader.GetString(4));
                    read[word.Word] = word;
                }
            }

            if (_words.Count > MaxCachedWords)
            {
                _words.Clear();
            }

            for (var i = 0; i < words.Count; i++)
            {
                if (forms[i] is null)
                {
                    forms[i] = read[words[i]];
                    _words[words[i]] = forms[i]!;
                }
            }
        }

        return forms!;
    }

    /// <summary>
    /// The one place indexes are loaded: each time one is asked for (<see cref="RequestLoad"/>), a fresh index is
    /// read, caught up and put in place of the old; a failure (the database not there yet, not migrated) is
    /// logged and tried again with a growing delay, while searches run in PostgreSQL or on the old index.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await _loadWanted.WaitAsync(stoppingToken);
            var delay = TimeSpan.FromSeconds(1);
            while (true)
            {
                try
                {
                    var index = await LoadAsync(stoppingToken);
                    await _gate.WaitAsync(stoppingToken);
                    try
                    {
                        // False when the table was truncated while loading: load again.
                        if (await CatchUpAsync(index, stoppingToken))
                        {
                            _current = index;
                            break;
                        }
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogLoadFailed(logger, delay.TotalSeconds, e);
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
                }
            }

            Volatile.Write(ref _loading, 0);
        }
    }

    /// <summary>A fresh index of the whole table, read under one snapshot.</summary>
    private async Task<MirrorIndex> LoadAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var index = new MirrorIndex();
        var removals = new List<(Guid?, ulong)>();
        var watermark = await ReadAsync(0, index.Load, removals, cancellationToken);
        index.Loaded(watermark, removals);
        Interlocked.Increment(ref _loads);
        // Once, after a load: loading reads every entry's lexemes as fresh strings, most of them garbage at
        // once; an aggressive collection returns that memory to the system (without it the process kept
        // about 160 MiB more resident at 111 500 entries), and the log says what the index keeps.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LogLoaded(logger, index.Live, clock.ElapsedMilliseconds, GC.GetTotalMemory(forceFullCollection: false) / (1024 * 1024));
        return index;
    }

    /// <summary>Brings <paramref name="index"/> up to date; false when the table was truncated since it was loaded.</summary>
    private async Task<bool> CatchUpAsync(MirrorIndex index, CancellationToken cancellationToken)
    {
        var rows = new List<MirrorRow>();
        var removals = new List<(Guid?, ulong)>();
        var watermark = await ReadAsync(index.Watermark, rows.Add, removals, cancellationToken);
        if (watermark < index.Watermark)
        {
            // Transaction ids went back: another database (a restore) is behind the same connection string.
            return false;
        }

        return index.CatchUp(watermark, removals, rows);
    }

    /// <summary>
    /// One statement, so one snapshot: its oldest running transaction (returned), the removals and the
    /// entries written by transactions from <paramref name="after"/> on. The upper bound changes nothing
    /// (a transaction from the snapshot's xmax on is invisible to it) but makes the range two-sided, which
    /// PostgreSQL, having no statistics to compare transaction ids with, estimates as narrow: the index
    /// is used, where a one-sided range was estimated at a third of the table and scanned whole.
    /// </summary>
    private async Task<ulong> ReadAsync(ulong after, Action<MirrorRow> row, List<(Guid?, ulong)> removals, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT 'w', pg_snapshot_xmin(pg_current_snapshot())::text, NULL::uuid, NULL, NULL, NULL, NULL::bool, NULL, NULL::text[], NULL::text, NULL::text,
                   NULL::int, NULL, NULL, NULL::text[], NULL::text[], NULL, NULL::int, NULL, NULL, NULL::text[], NULL::text[], NULL::date, NULL::date,
                   NULL::timestamptz, NULL::text[], NULL::text[]
            UNION ALL
            SELECT 'r', write_xid::text, record_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM search_entry_removals WHERE write_xid >= $1::text::xid8 AND write_xid < pg_snapshot_xmax(pg_current_snapshot())
            UNION ALL
            SELECT 'e', write_xid::text, record_id, object_type, kind, status, published, owner, providers, sort_code, sort_name,
                   length(sort_name), field_group, study_field, isced_f, isced_f_prefixes, ltks_level, eqf_level, cycle, study_type, languages, forms,
                   registered_on, sort_registered, changed_at, tsvector_to_array(document), tsvector_to_array(title)
            FROM search_entries WHERE write_xid >= $1::text::xid8 AND write_xid < pg_snapshot_xmax(pg_current_snapshot())
            """);
        command.Parameters.Add(new() { Value = after.ToString(CultureInfo.InvariantCulture) });
        command.CommandTimeout = 0;
        ulong? watermark = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var xid = ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
            switch (reader.GetString(0))
            {
                case "w":
                    watermark = xid;
                    break;
                case "r":
                    removals.Add((reader.IsDBNull(2) ? null : reader.GetGuid(2), xid));
                    break;
                default:
                    row(new MirrorRow(
                        reader.GetGuid(2), xid, reader.GetString(3), Text(reader, 4), reader.GetString(5), reader.GetBoolean(6), reader.GetString(7),
                        reader.GetFieldValue<string[]>(8), reader.GetString(9), reader.GetString(10), reader.GetInt32(11), Text(reader, 12), Text(reader, 13),
                        reader.GetFieldValue<string[]>(14), reader.GetFieldValue<string[]>(15), Text(reader, 16),
                        reader.IsDBNull(17) ? null : reader.GetInt32(17), Text(reader, 18), Text(reader, 19),
                        reader.GetFieldValue<string[]>(20), reader.GetFieldValue<string[]>(21),
                        reader.IsDBNull(22) ? null : reader.GetFieldValue<DateOnly>(22), reader.GetFieldValue<DateOnly>(23),
                        reader.GetFieldValue<DateTimeOffset>(24), reader.GetFieldValue<string[]>(25), reader.GetFieldValue<string[]>(26)));
                    break;
            }
        }

        return watermark ?? throw new InvalidOperationException("The snapshot's oldest transaction was not returned.");
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    [LoggerMessage(LogLevel.Information, "Search entries in memory: {Count} loaded in {Milliseconds} ms (managed heap now {HeapMiB} MiB)")]
    private static partial void LogLoaded(ILogger logger, int count, long milliseconds, long heapMiB);

    [LoggerMessage(LogLevel.Warning, "Search entries could not be loaded into memory; searches run in PostgreSQL, next try in {Seconds} s")]
    private static partial void LogLoadFailed(ILogger logger, double seconds, Exception exception);

    [LoggerMessage(LogLevel.Warning, "The search table was truncated or the database replaced: search entries are loaded into memory again")]
    private static partial void LogTruncated(ILogger logger);
}
