using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Smpkr.Api.Data;
using Smpkr.Api.Register;

namespace Smpkr.Api.Publication;

/// <summary>
/// Appends published changes to the feed inside the writing transaction.
/// <para>
/// Gap-free by construction: the entry's sequence number comes from <c>UPDATE feed_head … RETURNING</c>,
/// whose row lock is held until the transaction ends. A second publishing transaction waits at that
/// row until the first has committed (and become visible) or rolled back, so numbers are handed out
/// in commit order, with no holes: a reader that has seen entry <i>n</i> has seen every entry before it.
/// The lock is taken as the last step of a write, so it is held only for the few statements that follow.
/// </para>
/// </summary>
public sealed class PublishedChangeLog(PublishedRecordCache cache) : IChangeLog
{
    public async Task AppendAsync(SmpkrDbContext db, RegisterRecord record, string op, string? previousCode, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A published change is recorded inside the write's transaction.");

        var version = record.CurrentVersion ?? throw new InvalidOperationException("Only registered records are published.");
        var stored = db.RecordVersions.Local.FirstOrDefault(v => v.RecordId == record.Id && v.Version == version)
            ?? await db.RecordVersions.AsNoTracking().SingleAsync(v => v.RecordId == record.Id && v.Version == version, cancellationToken);
        var provider = await db.Providers.AsNoTracking().Where(p => p.Code == record.Owner)
            .Select(p => new PublishedProvider(p.Code, p.NameLt, p.NameEn, p.Type)).SingleAsync(cancellationToken);
        var aliases = await db.RecordAliases.AsNoTracking().Where(a => a.RecordId == record.Id)
            .Select(a => new PublishedAlias(a.Code, a.ValidFrom, a.ValidTo)).ToListAsync(cancellationToken);
        var accreditation = record.ObjectType == "programme"
            ? await db.Accreditations.AsNoTracking().Where(a => a.ProgrammeId == record.Id)
                .OrderByDescending(a => a.DecidedOn).ThenByDescending(a => a.RecordedAt)
                .Select(a => new PublishedAccreditation(a.Decision, a.DecidedOn, a.ValidUntil, a.DecisionNumber))
                .FirstOrDefaultAsync(cancellationToken)
            : null;

        // From here to commit the feed head is locked: every statement below is a single-row one.
        var (sequence, at) = await TakeSequenceAsync(connection, transaction, cancellationToken);
        var state = new PublishedState(record.Id, record.ObjectType, record.Kind, record.Code!, record.Status.ToString().ToLowerInvariant(),
            version, stored.ValidFrom, record.RegisteredOn, record.LastChangedOn, record.DeregisteredOn, record.DeregistrationReason,
            record.SupersededBy, record.Equivalent, provider, aliases, accreditation, stored.Content);
        var content = PublishedView.Render(state, at);
        var previous = await PreviousAsync(connection, transaction, record.Id, cancellationToken);
        var patch = previous is null ? null : MergePatch.Between(previous, content);
        await WriteAsync(connection, transaction, sequence, at, op, previousCode, state, content, patch, cancellationToken);

        // Marked before commit, so no reader in between keeps the old record in the cache.
        cache.Changed(record.ObjectType, state.Code, previousCode, sequence);
    }

    /// <summary>Locks the feed head until commit and takes the next number; the time never goes backwards.</summary>
    private static async Task<(long Sequence, DateTimeOffset At)> TakeSequenceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE feed_head SET last_sequence = last_sequence + 1,
                   last_change_at = greatest(coalesce(last_change_at, '-infinity'), date_trunc('milliseconds', clock_timestamp()))
            WHERE id = 1
            RETURNING last_sequence, last_change_at
            """, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    private static async Task<string?> PreviousAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid recordId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT content::text FROM published_records WHERE record_id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", recordId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long sequence, DateTimeOffset at, string op, string? previousCode,
        PublishedState state, string content, string? patch, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    """
                    INSERT INTO feed_entries (sequence, record_id, object_type, code, previous_code, op, version, valid_from, recorded_at, content, patch)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    """)
                {
                    Parameters =
                    {
                        new() { Value = sequence }, new() { Value = state.RecordId }, new() { Value = state.ObjectType }, new() { Value = state.Code },
                        new() { Value = (object?)previousCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar }, new() { Value = op },
                        new() { Value = state.Version }, new() { Value = state.ValidFrom }, new() { Value = at },
                        new() { Value = content, NpgsqlDbType = NpgsqlDbType.Json }, new() { Value = (object?)patch ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Json },
                    },
                },
                new NpgsqlBatchCommand(
                    """
                    INSERT INTO published_records (record_id, object_type, code, kind, status, version, sequence, changed_at, content)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (record_id) DO UPDATE SET code = excluded.code, kind = excluded.kind, status = excluded.status,
                        version = excluded.version, sequence = excluded.sequence, changed_at = excluded.changed_at, content = excluded.content
                    """)
                {
                    Parameters =
                    {
                        new() { Value = state.RecordId }, new() { Value = state.ObjectType }, new() { Value = state.Code },
                        new() { Value = (object?)state.Kind ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar }, new() { Value = state.Status },
                        new() { Value = state.Version }, new() { Value = sequence }, new() { Value = at },
                        new() { Value = content, NpgsqlDbType = NpgsqlDbType.Json },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}

public sealed record PublishedProvider(string Code, string NameLt, string? NameEn, string Type);

public sealed record PublishedAlias(string Code, DateOnly? ValidFrom, DateOnly? ValidTo);

public sealed record PublishedAccreditation(string Decision, DateOnly DecidedOn, DateOnly? ValidUntil, string DecisionNumber);

/// <summary>Everything the public view of a record is made from: its registered state and the version in force.</summary>
public sealed record PublishedState(
    Guid RecordId, string ObjectType, string? Kind, string Code, string Status, int Version, DateOnly ValidFrom,
    DateOnly? RegisteredOn, DateOnly? LastChangedOn, DateOnly? DeregisteredOn, string? DeregistrationReason,
    string? SupersededBy, bool? Equivalent, PublishedProvider Provider, IReadOnlyList<PublishedAlias> Aliases,
    PublishedAccreditation? Accreditation, string VersionContent);

/// <summary>How published JSON is written: compact, with Lithuanian letters as they are (not \u escapes).</summary>
public static class PublishedJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly System.Text.Json.JsonWriterOptions Writer = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };
}

/// <summary>The public view of a record: the envelope and the registered content, passed through the allow-list.</summary>
public static class PublishedView
{
    public const string FreelanceTeacher = "freelance-teacher";

    public static string Render(PublishedState state, DateTimeOffset publishedAt)
    {
        var body = JsonNode.Parse(state.VersionContent)!.AsObject();
        var whole = new JsonObject
        {
            ["type"] = state.ObjectType,
            ["code"] = state.Code,
            ["kind"] = state.Kind,
            ["status"] = state.Status,
            ["version"] = state.Version,
            ["validFrom"] = Date(state.ValidFrom),
            ["registeredOn"] = Date(state.RegisteredOn),
            ["lastChangedOn"] = Date(state.LastChangedOn),
            ["deregisteredOn"] = Date(state.DeregisteredOn),
            ["deregistrationReason"] = state.DeregistrationReason,
            ["supersededBy"] = state.SupersededBy,
            ["equivalent"] = state.Equivalent,
            ["provider"] = state.Provider.Type == FreelanceTeacher
                ? new JsonObject { ["type"] = state.Provider.Type }
                : new JsonObject
                {
                    ["code"] = state.Provider.Code,
                    ["name"] = new JsonObject { ["lt"] = state.Provider.NameLt, ["en"] = state.Provider.NameEn },
                    ["type"] = state.Provider.Type,
                },
            ["aliases"] = state.Aliases.Count == 0 ? null : new JsonArray([.. state.Aliases.OrderBy(a => a.ValidFrom).Select(a =>
                (JsonNode)new JsonObject { ["code"] = a.Code, ["validFrom"] = Date(a.ValidFrom), ["validTo"] = Date(a.ValidTo) })]),
            ["publishedAt"] = publishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in body)
        {
            if (!whole.ContainsKey(name) && value is not null)
            {
                whole[name] = value.DeepClone();
            }
        }

        if (state.Accreditation is { } accreditation)
        {
            whole["accreditation"] = new JsonObject
            {
                ["decision"] = accreditation.Decision,
                ["decidedOn"] = Date(accreditation.DecidedOn),
                ["validUntil"] = Date(accreditation.ValidUntil),
                ["decisionNumber"] = accreditation.DecisionNumber,
            };
        }

        // The allow-list is the only door: whatever the record holds, only declared fields go out.
        return PublishedFields.Project(whole, PublishedFields.For(state.ObjectType, state.Kind)).ToJsonString(PublishedJson.Options);
    }

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>JSON merge patch (RFC 7386) from one document to another: changed members, removed ones as null.</summary>
public static class MergePatch
{
    public static string Between(string before, string after) =>
        Diff(JsonNode.Parse(before)!.AsObject(), JsonNode.Parse(after)!.AsObject()).ToJsonString(PublishedJson.Options);

    private static JsonObject Diff(JsonObject before, JsonObject after)
    {
        var patch = new JsonObject();
        foreach (var (name, value) in after)
        {
            var old = before[name];
            if (old is JsonObject oldObject && value is JsonObject newObject)
            {
                if (Diff(oldObject, newObject) is { Count: > 0 } inner)
                {
                    patch[name] = inner;
                }
            }
            else if (!before.ContainsKey(name) || !JsonNode.DeepEquals(old, value))
            {
                patch[name] = value?.DeepClone();
            }
        }

        foreach (var (name, _) in before)
        {
            if (!after.ContainsKey(name))
            {
                patch[name] = null;
            }
        }

        return patch;
    }
}
