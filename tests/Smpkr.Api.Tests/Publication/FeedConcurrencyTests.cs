using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Smpkr.Api.Tests.Programmes;
using Smpkr.Harvester;

namespace Smpkr.Api.Tests.Publication;

/// <summary>
/// The feed's promise under load: a harvester that follows it while writers commit concurrently,
/// in transactions of different lengths, ends with exactly the published state.
/// </summary>
public sealed class FeedConcurrencyTests : ProgrammeTest
{
    private const int Writers = 8;

    [Test]
    [Repeat(3)]
    public async Task A_harvester_following_the_feed_during_concurrent_writes_ends_equal_to_a_fresh_snapshot()
    {
        var folder = Directory.CreateTempSubdirectory("smpkr-mirror-").FullName;
        try
        {
            var harvester = new Harvester.Harvester(Anonymous(), Mirror.Open(folder), pageSize: 7);
            await harvester.EnsureSnapshotAsync(CancellationToken.None);
            using var writing = new CancellationTokenSource();
            var follower = Task.Run(async () =>
            {
                while (!writing.IsCancellationRequested)
                {
                    await harvester.CatchUpAsync(CancellationToken.None, maxPages: 3);
                }
            });

            await Task.WhenAll(Enumerable.Range(0, Writers).Select(WriterAsync));
            await writing.CancelAsync();
            await follower;
            await harvester.CatchUpAsync(CancellationToken.None);

            var fresh = new Harvester.Harvester(Anonymous(), Mirror.Open(Path.Combine(folder, "fresh")));
            await fresh.EnsureSnapshotAsync(CancellationToken.None);
            var verification = await harvester.VerifyAsync(CancellationToken.None);
            Assert.Multiple(() =>
            {
                Assert.That(verification.Matches, Is.True, string.Join("; ", verification.Differences) + $" cursor {verification.Cursor} head {verification.Head}");
                Assert.That(harvester.Mirror.Cursor, Is.EqualTo(fresh.Mirror.Cursor));
                Assert.That(harvester.Mirror.Types["programme"], Is.EqualTo(fresh.Mirror.Types["programme"]), "same codes, versions and content");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task A_killed_harvester_resumes_from_its_files_and_misses_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("smpkr-mirror-").FullName;
        try
        {
            await RegisteredAsync(Samples.Study("Pirma"));
            var first = new Harvester.Harvester(Anonymous(), Mirror.Open(folder), pageSize: 2);
            await first.EnsureSnapshotAsync(CancellationToken.None);
            for (var i = 0; i < 5; i++)
            {
                await RegisteredAsync(Samples.Study($"Vėlesnė {i}"));
            }

            await first.CatchUpAsync(CancellationToken.None, maxPages: 1); // then "killed": the process is gone, only files remain

            var resumed = new Harvester.Harvester(Anonymous(), Mirror.Open(folder), pageSize: 2);
            Assert.That(resumed.Mirror.Cursor, Is.EqualTo(first.Mirror.Cursor));
            Assert.That(await resumed.EnsureSnapshotAsync(CancellationToken.None), Is.False, "no second snapshot");
            await resumed.CatchUpAsync(CancellationToken.None);
            var verification = await resumed.VerifyAsync(CancellationToken.None);
            Assert.That(verification.Matches, Is.True, string.Join("; ", verification.Differences));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// One writer: single registrations, changes and deregistrations, and atomic batches of several
    /// approvals (one longer transaction), so that commits interleave in every order.
    /// </summary>
    private async Task WriterAsync(int writer)
    {
        var owner = new ProgrammeClient(Provider(writer % 2 == 0 ? TestTokens.ProviderCode : TestTokens.OtherProviderCode));
        var registry = Registry;
        var random = new Random(writer);
        for (var round = 0; round < 4; round++)
        {
            var drafts = new List<JsonObject>();
            for (var i = 0; i < 1 + random.Next(4); i++)
            {
                drafts.Add(await owner.CreateAsync(Samples.Study($"Rašytojas {writer} ratas {round} nr {i}")));
            }

            // A longer transaction: all of them approved in one atomic batch.
            var lines = new StringBuilder();
            foreach (var draft in drafts)
            {
                lines.Append(new JsonObject
                {
                    ["op"] = "approve", ["resource"] = "programmes", ["id"] = draft["id"]!.GetValue<string>(),
                    ["ifMatch"] = ProgrammeClient.ETag(draft), ["body"] = new JsonObject { ["validFrom"] = "2025-09-01" },
                }.ToJsonString()).Append('\n');
            }

            using var batch = await registry.Http.PostAsync("/api/v1/batches?atomic=true",
                new StringContent(lines.ToString(), Encoding.UTF8, "application/x-ndjson"));
            Assert.That(batch.StatusCode, Is.EqualTo(HttpStatusCode.OK), await batch.Content.ReadAsStringAsync());

            // Short transactions: a change to one of them, a deregistration of another.
            var changed = await owner.GetAsync(drafts[0]["id"]!.GetValue<string>());
            var edited = await ProgrammeClient.ExpectAsync(
                await owner.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{changed["id"]}", ProgrammeClient.ETag(changed),
                    Samples.MergePatch(new JsonObject { ["credits"] = 180 + (round * 30) })), HttpStatusCode.OK);
            await registry.TransitionOkAsync(edited, "approve", new JsonObject { ["validFrom"] = $"{2026 + round}-09-01" });
            if (drafts.Count > 1)
            {
                var last = await registry.GetAsync(drafts[^1]["id"]!.GetValue<string>());
                await registry.TransitionOkAsync(last, "deregister", new JsonObject { ["reason"] = "provider-request" });
            }
        }
    }
}
