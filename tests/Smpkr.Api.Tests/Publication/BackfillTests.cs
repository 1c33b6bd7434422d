using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Smpkr.Api.Publication;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Publication;

/// <summary>
/// A register whose records were written before the feed existed gets the same feed the service
/// would have written: one entry per registered version and per deregistration, in time order,
/// each patch turning the record's previous entry into this one.
/// </summary>
public sealed class BackfillTests : ProgrammeTest
{
    private sealed record Entry(Guid RecordId, string Op, int Version, string Status, string Content, string Patch);

    [Test]
    public async Task A_register_without_a_feed_gets_the_feed_its_writes_would_have_published()
    {
        var changed = await RegisteredAsync(Samples.Study("Atkurtas srautas"));
        var edited = await ProgrammeClient.ExpectAsync(
            await Owner.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{changed["id"]}", ProgrammeClient.ETag(changed),
                Samples.MergePatch(new JsonObject { ["credits"] = 210 })), HttpStatusCode.OK);
        var pending = await Owner.TransitionOkAsync(edited, "submit");
        var version2 = await Registry.TransitionOkAsync(pending, "approve", new JsonObject { ["validFrom"] = "2026-09-01" });
        await Registry.TransitionOkAsync(version2, "deregister", new JsonObject { ["reason"] = "provider-request" });
        await RegisteredAsync(Samples.Study("Vienos versijos programa"));

        var live = await EntriesAsync();
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var wipe = new NpgsqlCommand(
                """
                ALTER TABLE feed_entries DISABLE TRIGGER USER;
                DELETE FROM published_records; DELETE FROM feed_entries;
                ALTER TABLE feed_entries ENABLE TRIGGER USER;
                UPDATE feed_head SET last_sequence = 0, last_change_at = NULL;
                """, connection);
            await wipe.ExecuteNonQueryAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var written = await PublicationBackfill.RunAsync(dataSource, CancellationToken.None);
        var rebuilt = await EntriesAsync();

        Assert.Multiple(() =>
        {
            Assert.That(written, Is.EqualTo(live.Count));
            Assert.That(rebuilt.Select(e => (e.RecordId, e.Op, e.Version, e.Status)), Is.EqualTo(live.Select(e => (e.RecordId, e.Op, e.Version, e.Status))),
                "the same entries in the same order");
            Assert.That(live.Count(e => e.Op == "changed"), Is.EqualTo(1));
        });

        foreach (var record in rebuilt.GroupBy(e => e.RecordId))
        {
            JsonNode? state = null;
            foreach (var entry in record)
            {
                state = Apply(state, JsonNode.Parse(entry.Patch));
                Assert.That(JsonNode.DeepEquals(state, JsonNode.Parse(entry.Content)), Is.True, $"{entry.Op} v{entry.Version}: the patches add up to the record");
            }
        }

        await using var check = new NpgsqlConnection(ConnectionString);
        await check.OpenAsync();
        await using var head = new NpgsqlCommand("SELECT last_sequence, (SELECT count(*) FROM published_records) FROM feed_head", check);
        await using var reader = await head.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Multiple(() =>
        {
            Assert.That(reader.GetInt64(0), Is.EqualTo(live.Count), "the head is the last entry");
            Assert.That(reader.GetInt64(1), Is.EqualTo(live.Select(e => e.RecordId).Distinct().Count()), "one published record per record");
        });
    }

    private async Task<List<Entry>> EntriesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT record_id, op, version, content->>'status', content::text, coalesce(patch, content)::text FROM feed_entries ORDER BY sequence", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<Entry>();
        while (await reader.ReadAsync())
        {
            entries.Add(new Entry(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }

        return entries;
    }

    /// <summary>RFC 7386: members of the patch replace the target's, null removes one, objects merge.</summary>
    private static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject is { } existing ? (JsonObject)existing.DeepClone() : new JsonObject();
        foreach (var (name, value) in members)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = Apply(result[name], value);
            }
        }

        return result;
    }
}
