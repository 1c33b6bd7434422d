using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Smpkr.Api.Publication;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Publication;

/// <summary>
/// The in-memory cache of published records never serves a record older than its last published
/// change: a change written by this service is seen at once; a change written by another replica
/// of the service (a second service over the same database) is seen once that replica's feed
/// follower reads it.
/// </summary>
public sealed class RecordCacheTests : ProgrammeTest
{
    // The follower of this service is slowed to a minute, so only the mark made on its own writes can freshen its cache.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OpenData:RecordCacheFollowMilliseconds"] = "60000",
    };

    [Test]
    public async Task A_change_written_here_is_served_at_once_by_code_and_by_its_old_code()
    {
        var registered = await RegisteredAsync(Samples.Study("Podėlio chemija"));
        var code = registered["code"]!.GetValue<string>();
        var before = await OpenRecordAsync(Anonymous(), code);
        await OpenRecordAsync(Anonymous(), code);
        Assert.That(Cache(App).Hits, Is.GreaterThan(0), "the second read came from the cache");
        Assert.That(before["status"]!.GetValue<string>(), Is.EqualTo("registered"));

        await Registry.TransitionOkAsync(registered, "recode", new JsonObject { ["code"] = "6121BX901", ["validFrom"] = "2030-01-01" });
        var byOldCode = await Anonymous().GetAsync($"/open/v1/programmes/{code}");
        var body = JsonNode.Parse(await byOldCode.Content.ReadAsStringAsync())!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(byOldCode.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body["code"]!.GetValue<string>(), Is.EqualTo("6121BX901"), "the old code now answers with the new record");
            Assert.That(body["requestedCode"]?.GetValue<string>(), Is.EqualTo(code));
            Assert.That(byOldCode.Headers.GetValues("Link").Single(), Does.Contain("/open/v1/programmes/6121BX901"));
        });

        var recoded = await OpenRecordAsync(Anonymous(), "6121BX901");
        var current = await ProgrammeClient.ExpectAsync(await Registrar().GetAsync($"/api/v1/programmes/{registered["id"]}"), HttpStatusCode.OK);
        await Registry.TransitionOkAsync(current, "deregister", new JsonObject { ["reason"] = "provider-request" });
        var deregistered = await OpenRecordAsync(Anonymous(), "6121BX901");
        Assert.Multiple(() =>
        {
            Assert.That(recoded["status"]!.GetValue<string>(), Is.EqualTo("registered"));
            Assert.That(deregistered["status"]!.GetValue<string>(), Is.EqualTo("deregistered"), "the deregistration is served at once, not the cached record");
        });
    }

    [Test]
    public async Task A_change_written_through_another_replica_is_served_once_the_feed_shows_it()
    {
        // A second replica of the service over the same database, following the feed every 50 ms.
        await using var replica = new SmpkrApp(ConnectionString, new Dictionary<string, string?> { ["OpenData:RecordCacheFollowMilliseconds"] = "50" });
        var reader = replica.ClientWith(null);
        var registered = await RegisteredAsync(Samples.Study("Kito egzemplioriaus fizika"));
        var code = registered["code"]!.GetValue<string>();
        await OpenRecordAsync(reader, code);
        await OpenRecordAsync(reader, code);
        Assert.That(Cache(replica).Hits, Is.GreaterThan(0), "the replica answers from its cache");

        // Written through this service; the replica learns of it only from the feed.
        await Registry.TransitionOkAsync(registered, "deregister", new JsonObject { ["reason"] = "provider-request" });
        var watch = Stopwatch.StartNew();
        string status;
        do
        {
            status = (await OpenRecordAsync(reader, code))["status"]!.GetValue<string>();
        }
        while (status != "deregistered" && watch.Elapsed < TimeSpan.FromSeconds(10));

        Assert.That(status, Is.EqualTo("deregistered"), $"after {watch.ElapsedMilliseconds} ms");
        TestContext.Out.WriteLine($"The other replica served the change after {watch.ElapsedMilliseconds} ms.");
    }

    [Test]
    public void A_full_cache_keeps_the_records_read_last_and_never_more_than_its_size()
    {
        var cache = SmallCache();
        var json = Json(8 * 1024);
        for (var i = 0; i < 1_000; i++)
        {
            var code = $"6121BX{i:D3}";
            cache.Put("programme", code, new StoredRecord(code, json, i + 1, DateTimeOffset.UtcNow, 1), byAlias: false);
            Assert.That(cache.Count * (long)json.Length, Is.LessThanOrEqualTo(cache.Capacity));
        }

        var kept = Enumerable.Range(0, 1_000).Where(i => cache.TryGet("programme", $"6121BX{i:D3}", out _, out _)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(kept, Has.Count.EqualTo(cache.Count));
            Assert.That(kept, Has.Count.GreaterThanOrEqualTo(120), "a megabyte holds at least 120 records of 8 KB");
            Assert.That(kept, Is.EqualTo(Enumerable.Range(1_000 - kept.Count, kept.Count)), "the records read last are kept");
        });
    }

    [Test]
    public void A_record_kept_under_an_alias_comes_back_whole()
    {
        var cache = SmallCache();
        var changedAt = new DateTimeOffset(2026, 12, 7, 16, 56, 30, 123, TimeSpan.FromHours(2));
        cache.Put("programme", "6121BX001", new StoredRecord("6121BX901", Json(2_000), 42, changedAt, 3), byAlias: true);
        cache.Put("programme", "6121BX901", new StoredRecord("6121BX901", Json(2_000), 42, changedAt, 3), byAlias: false);
        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet("programme", "6121BX001", out var byOldCode, out var byAlias), Is.True);
            Assert.That(byAlias, Is.True);
            Assert.That(byOldCode, Is.EqualTo(new StoredRecord("6121BX901", byOldCode.Json, 42, changedAt, 3)), "code, sequence, time and version");
            Assert.That(byOldCode.ChangedAt.Offset, Is.EqualTo(TimeSpan.FromHours(2)));
            Assert.That(byOldCode.Json, Is.EqualTo(Json(2_000)));
            Assert.That(cache.TryGet("programme", "6121BX901", out var byCode, out var byCodeAlias), Is.True);
            Assert.That((byCode.Code, byCodeAlias), Is.EqualTo(("6121BX901", false)));
            Assert.That(cache.TryGet("qualification", "6121BX901", out _, out _), Is.False, "another type with the same code");
        });
    }

    [Test]
    public void A_record_too_large_for_the_cache_is_not_kept()
    {
        var cache = SmallCache();
        cache.Put("programme", "6121BX001", new StoredRecord("6121BX001", Json(128 * 1024), 1, DateTimeOffset.UtcNow, 1), byAlias: false);
        cache.Put("programme", "6121BX002", new StoredRecord("6121BX002", Json(16 * 1024), 2, DateTimeOffset.UtcNow, 1), byAlias: false);
        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet("programme", "6121BX001", out _, out _), Is.False, "a record over a sixteenth of the cache");
            Assert.That(cache.TryGet("programme", "6121BX002", out var kept, out _), Is.True);
            Assert.That(kept.Json, Is.EqualTo(Json(16 * 1024)));
        });
    }

    /// <summary>
    /// Readers copy a record out of the ring while writers overwrite the oldest records in it: every
    /// answer from memory must be the whole record that was put under that code, never a torn mix.
    /// </summary>
    [Test]
    public async Task Records_read_while_others_overwrite_the_ring_are_whole_or_not_found()
    {
        var cache = SmallCache();
        var torn = 0L;
        var hits = 0L;
        var until = DateTime.UtcNow.AddSeconds(2);
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            var random = new Random(worker);
            while (DateTime.UtcNow < until)
            {
                var code = $"6121BX{random.Next(400):D3}";
                if (cache.TryGet("programme", code, out var record, out _))
                {
                    Interlocked.Increment(ref hits);
                    if (!record.Json.AsSpan().SequenceEqual(Content(code)) || record.Code != code)
                    {
                        Interlocked.Increment(ref torn);
                    }
                }
                else
                {
                    cache.Put("programme", code, new StoredRecord(code, Content(code), 1, DateTimeOffset.UtcNow, 1), byAlias: false);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        TestContext.Out.WriteLine($"{hits} reads from memory, {cache.Count} records kept at the end.");
        Assert.Multiple(() =>
        {
            Assert.That(torn, Is.Zero, "reads that returned bytes of another record");
            Assert.That(hits, Is.GreaterThan(1_000));
        });

        // Each code's record has its own length (2–10 KB) and bytes, so a copy overwritten midway cannot match it.
        static byte[] Content(string code)
        {
            var n = int.Parse(code[6..], System.Globalization.CultureInfo.InvariantCulture);
            var bytes = new byte[2_048 + n * 20];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)('a' + (n + i) % 26);
            }

            return bytes;
        }
    }

    private PublishedRecordCache SmallCache()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OpenData:RecordCacheMegabytes"] = "1" }).Build();
        return new PublishedRecordCache(settings, TimeProvider.System, App.Services.GetRequiredService<IMeterFactory>());
    }

    private static byte[] Json(int length) => System.Text.Encoding.UTF8.GetBytes("{\"d\":\"" + new string('x', length - 8) + "\"}");

    private static PublishedRecordCache Cache(SmpkrApp app) => app.Services.GetRequiredService<PublishedRecordCache>();

    private static async Task<JsonObject> OpenRecordAsync(HttpClient client, string code)
    {
        var response = await client.GetAsync($"/open/v1/programmes/{code}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
