using Npgsql;
using NpgsqlTypes;

namespace Smpkr.Api.Publication;

/// <summary>
/// Builds the change feed and the published records of a register that has registered records but
/// no feed yet (a database from before publication existed, or one filled in bulk): one entry per
/// registered version at the time it was recorded, plus one per deregistration, in time order.
/// Runs under the feed-head lock, so writers that publish meanwhile simply wait for it. A maintenance
/// step: its statements have no time limit (a register of a million records takes minutes), and it
/// holds in memory only the content of records whose later changes still need it for their patch.
/// </summary>
public static class PublicationBackfill
{
    public static async Task<long> RunAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var writer = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await writer.BeginTransactionAsync(cancellationToken);
        await using (var lockHead = new NpgsqlCommand("SELECT last_sequence FROM feed_head WHERE id = 1 FOR UPDATE", writer, transaction))
        {
            if ((long)(await lockHead.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                return 0;
            }
        }

        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM register_records WHERE current_version IS NOT NULL)", writer, transaction))
        {
            if (!(bool)(await any.ExecuteScalarAsync(cancellationToken))!)
            {
                return 0;
            }
        }

        await using var reader = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var query = new NpgsqlCommand(
            """
            WITH changes AS (
                SELECT v.record_id, v.version, v.valid_from, v.recorded_at,
                       CASE WHEN v.version = 1 THEN 'registered' ELSE 'changed' END AS op, false AS final
                FROM record_versions v
                UNION ALL
                SELECT r.id, r.current_version, v.valid_from, greatest(r.updated_at, v.recorded_at), 'deregistered', true
                FROM register_records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.current_version
                WHERE r.status = 'Deregistered')
            SELECT c.record_id, c.version, c.valid_from, c.recorded_at, c.op, c.final,
                   r.object_type, r.kind, r.code, r.registered_on, r.deregistered_on, r.deregistration_reason, r.superseded_by, r.equivalent,
                   p.code, p.name_lt, p.name_en, p.type,
                   (v.recorded_at AT TIME ZONE 'Europe/Vilnius')::date,
                   v.content::text,
                   a.decision, a.decided_on, a.valid_until, a.decision_number,
                   (SELECT json_agg(json_build_object('code', al.code, 'validFrom', al.valid_from, 'validTo', al.valid_to)) FROM record_aliases al WHERE al.record_id = c.record_id)::text,
                   lead(c.version) OVER (PARTITION BY c.record_id ORDER BY c.recorded_at, c.version, c.final) IS NOT NULL AS has_later
            FROM changes c
            JOIN register_records r ON r.id = c.record_id
            JOIN providers p ON p.code = r.owner
            JOIN record_versions v ON v.record_id = c.record_id AND v.version = c.version
            LEFT JOIN LATERAL (SELECT * FROM accreditations ac WHERE ac.programme_id = c.record_id ORDER BY ac.decided_on DESC, ac.recorded_at DESC LIMIT 1) a ON true
            ORDER BY c.recorded_at, c.record_id, c.version, c.final
            """, reader) { CommandTimeout = 0 };
        var sequence = 0L;
        DateTimeOffset last = default;
        var previous = new Dictionary<Guid, string>();
        await using (var rows = await query.ExecuteReaderAsync(cancellationToken))
        await using (var copy = await writer.BeginBinaryImportAsync(
            "COPY feed_entries (sequence, record_id, object_type, code, previous_code, op, version, valid_from, recorded_at, content, patch) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                var recordId = rows.GetGuid(0);
                var final = rows.GetBoolean(5);
                var aliases = rows.IsDBNull(24)
                    ? []
                    : System.Text.Json.JsonSerializer.Deserialize<List<AliasRow>>(rows.GetString(24), AliasRow.Options)!
                        .Select(a => new PublishedAlias(a.Code, a.ValidFrom, a.ValidTo)).ToList();
                var state = new PublishedState(
                    recordId, rows.GetString(6), rows.IsDBNull(7) ? null : rows.GetString(7), rows.GetString(8),
                    final ? "deregistered" : "registered", rows.GetInt32(1), rows.GetFieldValue<DateOnly>(2),
                    rows.IsDBNull(9) ? null : rows.GetFieldValue<DateOnly>(9), rows.IsDBNull(18) ? null : rows.GetFieldValue<DateOnly>(18),
                    final && !rows.IsDBNull(10) ? rows.GetFieldValue<DateOnly>(10) : null,
                    final && !rows.IsDBNull(11) ? rows.GetString(11) : null,
                    final && !rows.IsDBNull(12) ? rows.GetString(12) : null,
                    final && !rows.IsDBNull(13) ? rows.GetBoolean(13) : null,
                    new PublishedProvider(rows.GetString(14), rows.GetString(15), rows.IsDBNull(16) ? null : rows.GetString(16), rows.GetString(17)),
                    aliases,
                    rows.IsDBNull(20) ? null : new PublishedAccreditation(rows.GetString(20), rows.GetFieldValue<DateOnly>(21),
                        rows.IsDBNull(22) ? null : rows.GetFieldValue<DateOnly>(22), rows.GetString(23)),
                    rows.GetString(19));
                var at = rows.GetFieldValue<DateTimeOffset>(3);
                last = at > last ? at : last;
                var content = PublishedView.Render(state, last);
                var patch = previous.Remove(recordId, out var before) ? MergePatch.Between(before, content) : null;
                if (rows.GetBoolean(25))
                {
                    // Only a record with a later change keeps its content here, for that change's patch.
                    previous[recordId] = content;
                }

                sequence++;
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(sequence, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(recordId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(state.ObjectType, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(state.Code, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteNullAsync(cancellationToken);
                await copy.WriteAsync(rows.GetString(4), NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(state.Version, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(state.ValidFrom, NpgsqlDbType.Date, cancellationToken);
                await copy.WriteAsync(last, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(content, NpgsqlDbType.Json, cancellationToken);
                if (patch is null)
                {
                    await copy.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await copy.WriteAsync(patch, NpgsqlDbType.Json, cancellationToken);
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var derive = new NpgsqlCommand(
            """
            INSERT INTO published_records (record_id, object_type, code, kind, status, version, sequence, changed_at, content)
            SELECT DISTINCT ON (e.record_id) e.record_id, e.object_type, e.code, e.content->>'kind', e.content->>'status', e.version, e.sequence, e.recorded_at, e.content
            FROM feed_entries e
            ORDER BY e.record_id, e.sequence DESC;
            UPDATE feed_head SET last_sequence = @sequence, last_change_at = @last WHERE id = 1;
            """, writer, transaction) { CommandTimeout = 0 })
        {
            derive.Parameters.AddWithValue("sequence", sequence);
            derive.Parameters.AddWithValue("last", last);
            await derive.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return sequence;
    }

    private sealed record AliasRow(string Code, DateOnly? ValidFrom, DateOnly? ValidTo)
    {
        public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web);
    }
}
