using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Smpkr.Api.Publication;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Publication;

/// <summary>
/// The read/write split with two databases standing in for a primary and a lagging read replica:
/// writes and the feed use the primary, open-data records, lists, snapshots and status the replica.
/// The replica here never catches up, which is the worst case of replica lag.
/// </summary>
public sealed class ReadReplicaTests : ProgrammeTest
{
    private readonly Lazy<string> _replica = new(() => TestDatabase.CreateDatabaseAsync().GetAwaiter().GetResult());

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:SmpkrReadOnly"] = _replica.Value,
    };

    [OneTimeTearDown]
    public async Task DropReplica() => await TestDatabase.DropDatabaseAsync(_replica.Value);

    [Test]
    public async Task Open_reads_come_from_the_replica_and_the_feed_from_the_primary_so_a_lagging_replica_leaves_no_gap()
    {
        var registered = await RegisteredAsync();
        var code = registered["code"]!.GetValue<string>();

        using var record = await Anonymous().GetAsync($"/open/v1/programmes/{code}");
        var list = (await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/programmes"))!;
        var status = (await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/status"))!;
        using var snapshot = await Anonymous().GetAsync("/open/v1/snapshot?types=programme");
        var snapshotCursor = snapshot.Headers.GetValues("Feed-Cursor").Single();
        var feed = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/changes?after={snapshotCursor}"))!;

        Assert.Multiple(() =>
        {
            Assert.That(record.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the replica has not seen the registration");
            Assert.That(list["items"]!.AsArray(), Is.Empty);
            Assert.That(status["counts"]!["programme"]!["total"]!.GetValue<long>(), Is.Zero);
            Assert.That(snapshotCursor, Is.EqualTo(status["head"]!.GetValue<string>()), "the snapshot is stamped with the replica's own head");
            Assert.That(feed["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()), Does.Contain(code),
                "following the primary's feed from the replica's cursor picks up what the replica lacks");
        });
    }

    [Test]
    public async Task A_snapshot_reads_one_database_snapshot_even_while_writes_commit()
    {
        await using var sources = new PublicationSources(NpgsqlDataSource.Create(ConnectionString), NpgsqlDataSource.Create(ConnectionString), NpgsqlDataSource.Create(ConnectionString));
        await using var lookups = new PublishedRecordLookups(sources);
        var store = new PublishedStore(sources, App.Services.GetRequiredService<PublishedRecordCache>(), lookups, App.Services.GetRequiredService<Smpkr.Api.Search.SearchMirror>());
        await RegisteredAsync(Samples.Study("Prieš momentinę kopiją"));
        await using var snapshot = await store.BeginSnapshotAsync(CancellationToken.None);
        var cursor = snapshot.Head.Head;

        // Written and committed after the snapshot began, before its rows are read.
        var later = await RegisteredAsync(Samples.Study("Po momentinės kopijos"));

        var codes = new List<string>();
        await foreach (var json in snapshot.RecordsAsync(["programme"], CancellationToken.None))
        {
            codes.Add(JsonNode.Parse(json)!["code"]!.GetValue<string>());
        }

        var after = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/changes?after={cursor}"))!["items"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(codes, Does.Not.Contain(later["code"]!.GetValue<string>()));
            Assert.That(after.Select(i => i!["code"]!.GetValue<string>()), Is.EqualTo(new[] { later["code"]!.GetValue<string>() }),
                "the feed after the snapshot's cursor holds exactly what the snapshot lacks");
        });
    }
}
