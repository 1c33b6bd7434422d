using System.Net;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Register;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Register;

/// <summary>
/// Concurrent register reads by id and by code share statements, and each request still gets its own
/// record (by id, code or alias; its version in force, aliases and facts) or nothing, and sees it only
/// as its caller may.
/// </summary>
public sealed class RecordReadTests : ProgrammeTest
{
    private HttpClient Accreditor() => App.ClientWith(TestTokens.For(Roles.Accreditor));

    [Test]
    public async Task Reads_queued_together_share_statements_and_each_gets_its_own_record()
    {
        var accredited = await RegisteredAsync(Samples.Study("Bendrų skaitymų matematika"));
        var plain = await RegisteredAsync(Samples.Study("Bendrų skaitymų chemija"));
        var recoded = await RegisteredAsync(Samples.Study("Bendrų skaitymų biologija"));
        var draft = await Owner.CreateAsync(Samples.Study("Bendrų skaitymų juodraštis"));
        var oldCode = recoded["code"]!.GetValue<string>();
        await Registry.TransitionOkAsync(recoded, "recode", new JsonObject { ["code"] = "6121BX903", ["validFrom"] = "2030-01-01" });
        var accreditation = await Accreditor().PostAsJsonAsync($"/api/v1/programmes/{accredited["id"]}/accreditations", new JsonObject
        {
            ["decision"] = "accredited", ["decidedOn"] = "2024-06-01", ["validUntil"] = "2031-06-30", ["decisionNumber"] = "SV6-46",
            ["scores"] = new JsonArray(new JsonObject { ["criterion"] = new JsonObject { ["lt"] = "Studijų tikslai", ["en"] = "Aims" }, ["score"] = 4 }),
        });
        Assert.That(accreditation.StatusCode, Is.EqualTo(HttpStatusCode.Created), await accreditation.Content.ReadAsStringAsync());

        string Code(JsonObject r) => r["code"]!.GetValue<string>();
        Guid Id(JsonObject r) => Guid.Parse(r["id"]!.GetValue<string>());
        var cases = new (RecordKey Key, Guid? Expected, string? Alias, bool Facts)[]
        {
            (new("programme", Id(accredited), null), Id(accredited), null, true),
            (new("programme", null, Code(accredited)), Id(accredited), null, true),
            (new("programme", null, Code(plain)), Id(plain), null, false),
            (new("programme", null, oldCode), Id(recoded), oldCode, false),
            (new("programme", null, "6121BX903"), Id(recoded), oldCode, false),
            (new("programme", Id(draft), null), Id(draft), null, false),
            (new("programme", null, "6999ZZ997"), null, null, false),
            (new("programme", Guid.NewGuid(), null), null, null, false),
            (new("qualification", null, Code(plain)), null, null, false),
            (new("qualification", Id(plain), null), null, null, false),
        };

        var reads = App.Services.GetRequiredService<RecordReads>();
        var before = reads.Statements;
        var asked = Enumerable.Range(0, 60).Select(i => cases[i % cases.Length]).ToList();
        var answers = await Task.WhenAll(asked.Select(c => reads.FindAsync(c.Key, CancellationToken.None)));
        var statements = reads.Statements - before;

        Assert.Multiple(() =>
        {
            for (var i = 0; i < asked.Count; i++)
            {
                var (key, expected, alias, facts) = asked[i];
                Assert.That(answers[i]?.Record.Id, Is.EqualTo(expected), $"{key}");
                if (answers[i] is not { } found)
                {
                    continue;
                }

                Assert.That(found.Current?.Version, Is.EqualTo(found.Record.CurrentVersion), $"{key}: version in force");
                Assert.That(found.Aliases.Select(a => a.Code), alias is null ? Is.Empty : Is.EqualTo(new[] { alias }), $"{key}: aliases");
                Assert.That(found.Facts?.ContainsKey("accreditation") ?? false, Is.EqualTo(facts), $"{key}: facts");
            }

            // Sixty reads queued within microseconds: the readers take them in a few batches, never one statement each.
            Assert.That(statements, Is.LessThanOrEqualTo(SharedReads.Readers + 2), "statements for 60 reads");
        });
        TestContext.Out.WriteLine($"60 reads took {statements} statements.");
    }

    [Test]
    public async Task Concurrent_reads_over_http_each_get_what_their_caller_may_see()
    {
        var registered = await RegisteredAsync(Samples.Study("Lygiagrečių skaitymų registre fizika"));
        var draft = await Owner.CreateAsync(Samples.Study("Lygiagrečių skaitymų registre juodraštis"));
        var code = registered["code"]!.GetValue<string>();
        var requests = Enumerable.Range(0, 48).Select(i => (i % 4) switch
        {
            0 => (Client: Owner.Http, Path: $"/api/v1/programmes/by-code/{code}", Status: HttpStatusCode.OK, Id: registered["id"]),
            1 => (Client: Other.Http, Path: $"/api/v1/programmes/by-code/{code}", Status: HttpStatusCode.OK, Id: registered["id"]),
            2 => (Client: Owner.Http, Path: $"/api/v1/programmes/{draft["id"]}", Status: HttpStatusCode.OK, Id: draft["id"]),
            _ => (Client: Other.Http, Path: $"/api/v1/programmes/{draft["id"]}", Status: HttpStatusCode.NotFound, Id: null),
        }).ToList();

        var responses = await Task.WhenAll(requests.Select(r => r.Client.GetAsync(r.Path)));
        for (var i = 0; i < requests.Count; i++)
        {
            var text = await responses[i].Content.ReadAsStringAsync();
            Assert.That(responses[i].StatusCode, Is.EqualTo(requests[i].Status), $"{requests[i].Path}: {text}");
            if (requests[i].Id is { } id)
            {
                var body = JsonNode.Parse(text)!.AsObject();
                Assert.That(body["id"]!.GetValue<string>(), Is.EqualTo(id.GetValue<string>()));
                Assert.That(body["data"]!["name"]!["lt"]!.GetValue<string>(), Does.StartWith("Lygiagrečių skaitymų registre"));
            }
        }
    }

    [Test]
    public async Task A_registered_version_reads_exactly_as_its_write_answered_it_and_is_kept_once_read()
    {
        // The write answers with the content written from objects; reads write the version's JSON as kept.
        var registered = await RegisteredAsync(Samples.Study("Įrašyto turinio informatika"));
        var id = registered["id"]!.GetValue<string>();
        var code = registered["code"]!.GetValue<string>();
        var written = Text(registered["data"]!);

        var byId = await Owner.GetAsync(id);
        var byCode = await ProgrammeClient.ExpectAsync(await Owner.Http.GetAsync($"/api/v1/programmes/by-code/{code}"), HttpStatusCode.OK);
        var page = await Registrar().GetFromJsonAsync<JsonObject>("/api/v1/programmes?q=Įrašyto turinio informatika&limit=5");
        var listed = page!["items"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == id)!;

        Assert.Multiple(() =>
        {
            // Same members, same values, same order.
            Assert.That(Text(byId["data"]!), Is.EqualTo(written), "by id");
            Assert.That(Text(byCode["data"]!), Is.EqualTo(written), "by code");
            Assert.That(Text(listed["data"]!), Is.EqualTo(written), "in a search page");
        });

        var kept = App.Services.GetRequiredService<VersionJson>();
        var version = new RecordVersion
        {
            RecordId = Guid.Parse(id), Version = registered["version"]!.GetValue<int>(), Content = "{}", ValidFrom = new DateOnly(2025, 9, 1),
        };
        Assert.That(Text(JsonNode.Parse(kept.Of<Smpkr.Api.Programmes.ProgrammeBody>(version))!), Is.EqualTo(written),
            "the read kept the version's JSON (the content given now is not read again)");

        // Now kept, the version's stored content is no longer read at all.
        var again = await App.Services.GetRequiredService<RecordReads>().FindAsync(new RecordKey("programme", Guid.Parse(id), null), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(again!.CurrentJson, Is.Not.Null);
            Assert.That(again.Current!.Content, Is.Empty);
            Assert.That(again.Current.Version, Is.EqualTo(version.Version));
        });
    }

    // Written afresh the same way whichever response the node came from.
    private static string Text(JsonNode node) =>
        JsonNode.Parse(node.ToJsonString())!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Test]
    public void Kept_versions_are_bounded_and_the_oldest_goes_first()
    {
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Register:ContentCacheSize"] = "2" }).Build();
        var kept = new VersionJson(App.Services.GetRequiredService<RegisterBodies>(), settings);
        var content = Samples.Study("Ribotos atminties fizika").ToJsonString();
        var versions = Enumerable.Range(1, 3)
            .Select(v => new RecordVersion { RecordId = Guid.NewGuid(), Version = v, Content = content, ValidFrom = new DateOnly(2025, 9, 1) })
            .ToList();

        var first = versions.Select(kept.Of<Smpkr.Api.Programmes.ProgrammeBody>).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(kept.Kept.Count, Is.EqualTo(2));
            Assert.That(kept.Kept.Bytes, Is.EqualTo(first[1].Length + first[2].Length));
            Assert.That(kept.Of<Smpkr.Api.Programmes.ProgrammeBody>(versions[2]), Is.SameAs(first[2]), "the newest is kept");
            Assert.That(kept.Of<Smpkr.Api.Programmes.ProgrammeBody>(versions[0]), Is.Not.SameAs(first[0]), "the oldest was let go and is written again");
            Assert.That(first[0], Is.EqualTo(first[2]), "the same content is the same JSON");
        });
    }
}
