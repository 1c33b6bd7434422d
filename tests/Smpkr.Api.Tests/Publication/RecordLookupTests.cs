using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Smpkr.Api.Data;
using Smpkr.Api.Publication;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Publication;

/// <summary>
/// Concurrent open-data reads by code share statements, and each still gets its own answer: the
/// record of its code, the record an old code (alias) now belongs to, or nothing.
/// </summary>
public sealed class RecordLookupTests : ProgrammeTest
{
    // The record cache is off, so every read below goes to the database.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OpenData:RecordCacheMegabytes"] = "0",
    };

    [Test]
    public async Task Lookups_queued_together_share_statements_and_each_gets_its_own_record()
    {
        var first = await RegisteredAsync(Samples.Study("Bendrų užklausų matematika"));
        var second = await RegisteredAsync(Samples.Study("Bendrų užklausų chemija"));
        var recoded = await RegisteredAsync(Samples.Study("Bendrų užklausų biologija"));
        var oldCode = recoded["code"]!.GetValue<string>();
        await Registry.TransitionOkAsync(recoded, "recode", new JsonObject { ["code"] = "6121BX902", ["validFrom"] = "2030-01-01" });
        var cases = new (string Type, string Code, string? Expected, bool ByAlias)[]
        {
            ("programme", first["code"]!.GetValue<string>(), first["code"]!.GetValue<string>(), false),
            ("programme", second["code"]!.GetValue<string>(), second["code"]!.GetValue<string>(), false),
            ("programme", oldCode, "6121BX902", true),
            ("programme", "6121BX902", "6121BX902", false),
            ("programme", "6999ZZ999", null, false),
            ("qualification", first["code"]!.GetValue<string>(), null, false),
        };

        var lookups = App.Services.GetRequiredService<PublishedRecordLookups>();
        var before = lookups.Statements;
        var asked = Enumerable.Range(0, 60).Select(i => cases[i % cases.Length]).ToList();
        var answers = await Task.WhenAll(asked.Select(c => lookups.FindAsync(c.Type, c.Code, CancellationToken.None)));
        var statements = lookups.Statements - before;

        Assert.Multiple(() =>
        {
            for (var i = 0; i < asked.Count; i++)
            {
                Assert.That(answers[i]?.Record.Code, Is.EqualTo(asked[i].Expected), $"{asked[i].Type} {asked[i].Code}");
                Assert.That(answers[i]?.ByAlias ?? false, Is.EqualTo(asked[i].ByAlias), $"{asked[i].Type} {asked[i].Code} by alias");
            }

            // Sixty lookups queued within microseconds: the four readers take them in a few batches
            // (and each batch with a miss runs a second statement for aliases), never one statement each.
            Assert.That(statements, Is.LessThanOrEqualTo(2 * (SharedReads.Readers + 2)), "statements for 60 lookups");
        });
        TestContext.Out.WriteLine($"60 lookups took {statements} statements.");
    }

    [Test]
    public async Task Concurrent_reads_by_code_over_http_each_get_their_record()
    {
        var registered = new List<string>();
        foreach (var name in new[] { "Lygiagrečių skaitymų fizika", "Lygiagrečių skaitymų istorija", "Lygiagrečių skaitymų ekonomika" })
        {
            registered.Add((await RegisteredAsync(Samples.Study(name)))["code"]!.GetValue<string>());
        }

        var codes = Enumerable.Range(0, 48).Select(i => i % 4 == 3 ? "6999ZZ998" : registered[i % 4]).ToList();
        var responses = await Task.WhenAll(codes.Select(code => Anonymous().GetAsync($"/open/v1/programmes/{code}")));
        for (var i = 0; i < codes.Count; i++)
        {
            if (codes[i] == "6999ZZ998")
            {
                Assert.That(responses[i].StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
                continue;
            }

            Assert.That(responses[i].StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var body = JsonNode.Parse(await responses[i].Content.ReadAsStringAsync())!.AsObject();
            Assert.That(body["code"]!.GetValue<string>(), Is.EqualTo(codes[i]));
        }
    }
}
