using System.Text.Json;
using Npgsql;
using Smpkr.Api.Data;

namespace Smpkr.Api.Register;

/// <summary>A record asked for by id, or by state code or alias.</summary>
public readonly record struct RecordKey(string ObjectType, Guid? Id, string? Code);

/// <summary>A record as one read finds it: the row, its version in force (when registered), its aliases and its type's facts.</summary>
public sealed record StoredRegisterRecord(RegisterRecord Record, RecordVersion? Current, List<AliasResponse> Aliases)
{
    /// <summary>The version in force as kept JSON (<see cref="VersionJson"/>); when set, its stored content was not read (<c>Current.Content</c> is empty).</summary>
    public byte[]? CurrentJson { get; init; }

    /// <summary>The facts its type keeps beside it, by name (<see cref="ITypeFacts"/>); null when there are none.</summary>
    public Dictionary<string, object>? Facts { get; set; }
}

/// <summary>
/// The register's reads of one record by id or code, for any type: what concurrent requests ask
/// for together is read in one statement (<see cref="SharedReads{TKey, TResult}"/>), the record, its
/// version in force and its aliases at once, then, on the same connection, the stored content of the
/// versions not kept as JSON (<see cref="VersionJson"/>: a hot record's content is not read at all) and the
/// facts of the types that keep some, per source for the whole batch. Reads go to the primary, so a request
/// sees every write that was answered before it arrived.
/// </summary>
public sealed class RecordReads : IAsyncDisposable
{
    // One row per key: the record with that id, else with that code, else the record the code is an alias of.
    // The branches are tried in order and the first row found ends the search (an alias costs a probe only
    // when no record has the code).
    private const string Sql =
        """
        SELECT q.i, r.id, r.object_type, r.kind, r.code, r.status, r.pending_status, r.revision, r.owner, r.co_providers,
               r.working::text, r.current_version, r.name_lt, r.name_en, r.registered_on, r.last_changed_on, r.deregistered_on,
               r.deregistration_reason, r.superseded_by, r.equivalent, r.return_comment, r.deregistration_request::text,
               r.created_at, r.updated_at, v.valid_from, v.recorded_at,
               CASE WHEN $4 THEN
                   (SELECT json_agg(json_build_object('code', a.code, 'validFrom', a.valid_from, 'validTo', a.valid_to)
                                    ORDER BY a.valid_to NULLS FIRST, a.code)
                    FROM record_aliases a WHERE a.record_id = r.id)::text END
        FROM unnest($1::text[], $2::uuid[], $3::text[]) WITH ORDINALITY q(object_type, id, code, i)
        CROSS JOIN LATERAL (
            SELECT r.* FROM register_records r WHERE q.id IS NOT NULL AND r.id = q.id AND r.object_type = q.object_type
            UNION ALL
            SELECT r.* FROM register_records r WHERE q.code IS NOT NULL AND r.object_type = q.object_type AND r.code = q.code
            UNION ALL
            SELECT r.* FROM record_aliases a JOIN register_records r ON r.id = a.record_id
            WHERE q.code IS NOT NULL AND a.object_type = q.object_type AND a.code = q.code
            LIMIT 1) r
        LEFT JOIN record_versions v ON v.record_id = r.id AND v.version = r.current_version
        """;

    // The stored content of the versions in force that are not kept as JSON.
    private const string ContentSql =
        """
        SELECT v.record_id, v.content::text
        FROM unnest($1::uuid[], $2::int[]) k(record_id, version)
        JOIN record_versions v ON v.record_id = k.record_id AND v.version = k.version
        """;

    private static readonly JsonSerializerOptions AliasJson = new(JsonSerializerDefaults.Web);

    private readonly NpgsqlDataSource _source;
    private readonly VersionJson _versions;
    private readonly ILookup<string, ITypeFacts> _facts;
    private readonly SharedReads<RecordKey, StoredRegisterRecord?> _reads;
    private long _statements;

    public RecordReads(NpgsqlDataSource source, VersionJson versions, IEnumerable<ITypeFacts> facts)
    {
        _source = source;
        _versions = versions;
        _facts = facts.ToLookup(f => f.ObjectType, StringComparer.Ordinal);
        _reads = new(keys => ReadAllAsync(keys, withAliases: true, CancellationToken.None));
    }

    /// <summary>How many record statements have run since start, one per batch (tests read it to see requests share them); the content and facts statements of a batch are not counted.</summary>
    public long Statements => Interlocked.Read(ref _statements);

    /// <summary>The record, whoever may see it: the caller's visibility is the register's to check.</summary>
    public Task<StoredRegisterRecord?> FindAsync(RecordKey key, CancellationToken cancellationToken) => _reads.ReadAsync(key, cancellationToken);

    /// <summary>Many records at once (a page of a list), in one statement of their own, without aliases (pages do not show them); one answer per key, in order.</summary>
    public Task<StoredRegisterRecord?[]> FindAllAsync(IReadOnlyList<RecordKey> keys, CancellationToken cancellationToken) =>
        keys.Count == 0 ? Task.FromResult(Array.Empty<StoredRegisterRecord?>()) : ReadAllAsync(keys, withAliases: false, cancellationToken);

    private async Task<StoredRegisterRecord?[]> ReadAllAsync(IReadOnlyList<RecordKey> keys, bool withAliases, CancellationToken cancellationToken)
    {
        var found = new StoredRegisterRecord?[keys.Count];
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new() { Value = keys.Select(k => k.ObjectType).ToArray() });
        command.Parameters.Add(new() { Value = keys.Select(k => k.Id).ToArray() });
        command.Parameters.Add(new() { Value = keys.Select(k => k.Code).ToArray() });
        command.Parameters.Add(new() { Value = withAliases });
        Interlocked.Increment(ref _statements);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found[(int)reader.GetInt64(0) - 1] = Read(reader);
            }
        }

        await AddContentAsync(connection, found, cancellationToken);
        await AddFactsAsync(connection, found, cancellationToken);
        return found;
    }

    /// <summary>Each version in force as kept JSON, or, for those not kept, its stored content (one statement for all of them).</summary>
    private async Task AddContentAsync(NpgsqlConnection connection, StoredRegisterRecord?[] found, CancellationToken cancellationToken)
    {
        var missing = new Dictionary<Guid, List<int>>();
        for (var i = 0; i < found.Length; i++)
        {
            if (found[i] is not { Current: { } current } stored)
            {
                continue;
            }

            if (_versions.Kept.TryGet((current.RecordId, current.Version), out var json))
            {
                found[i] = stored with { CurrentJson = json };
            }
            else
            {
                (missing.TryGetValue(current.RecordId, out var at) ? at : missing[current.RecordId] = []).Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(ContentSql, connection);
        command.Parameters.Add(new() { Value = missing.Keys.ToArray() });
        command.Parameters.Add(new() { Value = missing.Keys.Select(id => found[missing[id][0]]!.Current!.Version).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var content = reader.GetString(1);
            foreach (var i in missing[reader.GetGuid(0)])
            {
                var stored = found[i]!;
                found[i] = stored with { Current = new RecordVersion
                {
                    RecordId = stored.Current!.RecordId, Version = stored.Current.Version, Content = content,
                    ValidFrom = stored.Current.ValidFrom, RecordedAt = stored.Current.RecordedAt,
                } };
            }
        }
    }

    private async Task AddFactsAsync(NpgsqlConnection connection, StoredRegisterRecord?[] found, CancellationToken cancellationToken)
    {
        var withFacts = found.OfType<StoredRegisterRecord>().Where(f => _facts.Contains(f.Record.ObjectType)).ToList();
        if (withFacts.Count == 0)
        {
            return;
        }

        foreach (var ofType in withFacts.GroupBy(f => f.Record.ObjectType))
        {
            var records = ofType.GroupBy(f => f.Record.Id).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var source in _facts[ofType.Key])
            {
                foreach (var (id, fact) in await source.ForAsync(connection, records.Keys, cancellationToken))
                {
                    foreach (var stored in records[id])
                    {
                        (stored.Facts ??= new Dictionary<string, object>(StringComparer.Ordinal))[source.Name] = fact;
                    }
                }
            }
        }
    }

    private static StoredRegisterRecord Read(NpgsqlDataReader reader)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        DateOnly? Date(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateOnly>(i);
        var record = new RegisterRecord
        {
            Id = reader.GetGuid(1),
            ObjectType = reader.GetString(2),
            Kind = Text(3),
            Code = Text(4),
            Status = Enum.Parse<RecordStatus>(reader.GetString(5)),
            PendingStatus = Text(6) is { } pending ? Enum.Parse<PendingChangeStatus>(pending) : null,
            Revision = reader.GetInt32(7),
            Owner = reader.GetString(8),
            CoProviders = reader.GetFieldValue<string[]>(9),
            Working = Text(10),
            CurrentVersion = reader.IsDBNull(11) ? null : reader.GetInt32(11),
            NameLt = reader.GetString(12),
            NameEn = Text(13),
            RegisteredOn = Date(14),
            LastChangedOn = Date(15),
            DeregisteredOn = Date(16),
            DeregistrationReason = Text(17),
            SupersededBy = Text(18),
            Equivalent = reader.IsDBNull(19) ? null : reader.GetBoolean(19),
            ReturnComment = Text(20),
            DeregistrationRequest = Text(21),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(22),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(23),
        };
        var current = reader.IsDBNull(24)
            ? null
            : new RecordVersion
            {
                RecordId = record.Id,
                Version = record.CurrentVersion!.Value,
                Content = string.Empty,
                ValidFrom = reader.GetFieldValue<DateOnly>(24),
                RecordedAt = reader.GetFieldValue<DateTimeOffset>(25),
            };
        var aliases = Text(26) is { } json ? JsonSerializer.Deserialize<List<AliasResponse>>(json, AliasJson)! : [];
        return new StoredRegisterRecord(record, current, aliases);
    }

    public ValueTask DisposeAsync() => _reads.DisposeAsync();
}
