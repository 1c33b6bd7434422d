using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Smpkr.Api.Tests.Programmes;

public sealed class BatchTests : ProgrammeTest
{
    [Test]
    public async Task Each_line_succeeds_or_fails_on_its_own()
    {
        var draft = await Owner.CreateAsync(Samples.Study());
        var before = await CountAsync();
        var lines = new[]
        {
            Line("create", body: Samples.Study("Pirmoji iš paketo")),
            Line("create", body: Samples.Study().With("credits", -1)),
            "{ this is not json",
            Line("submit", id: draft["id"]!.GetValue<string>(), ifMatch: "\"1\""),
            Line("approve", id: draft["id"]!.GetValue<string>(), ifMatch: "\"2\""),
            Line("create", body: Samples.Study("Antroji iš paketo")),
            Line("launch", body: new JsonObject()),
        };

        var (status, results, summary) = await RunAsync(Provider(), lines);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r["status"]!.GetValue<int>()), Is.EqualTo(new[] { 201, 400, 400, 200, 403, 201, 400 }));
            Assert.That(results.Select(r => r["line"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6, 7 }));
            Assert.That(results[0]["etag"]!.GetValue<string>(), Is.EqualTo("\"1\""));
            Assert.That(results[1]["problem"]!["codes"]!["credits"]![0]!.GetValue<string>(), Is.EqualTo("value.out-of-range"));
            Assert.That(results[2]["problem"]!["codes"]!.AsObject().Select(c => c.Value![0]!.GetValue<string>()), Is.EqualTo(new[] { "json.invalid" }), results[2].ToJsonString());
            Assert.That(results[4]["problem"]!["code"]!.GetValue<string>(), Is.EqualTo("role.not-allowed"));
            Assert.That(results[6]["problem"]!["codes"]!["op"]![0]!.GetValue<string>(), Is.EqualTo("batch.unknown-op"));
            Assert.That(summary["succeeded"]!.GetValue<int>(), Is.EqualTo(3));
            Assert.That(summary["failed"]!.GetValue<int>(), Is.EqualTo(4));
        });
        Assert.That(await CountAsync(), Is.EqualTo(before + 2));
        Assert.That((await Owner.GetAsync(draft["id"]!.GetValue<string>()))["status"]!.GetValue<string>(), Is.EqualTo("submitted"));
    }

    [Test]
    public async Task An_atomic_batch_with_one_bad_line_applies_nothing()
    {
        var before = await CountAsync();
        var lines = new[]
        {
            Line("create", body: Samples.Study("Atominė 1")),
            Line("create", body: Samples.Study("Atominė 2")),
            Line("create", body: Samples.Study().With("studyField", "Z99")),
            Line("create", body: Samples.Study("Atominė 4")),
        };

        var (status, results, summary) = await RunAsync(Provider(), lines, atomic: true);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(results.Select(r => r["status"]!.GetValue<int>()), Is.EqualTo(new[] { 424, 424, 400, 424 }));
            Assert.That(summary["applied"]!.GetValue<bool>(), Is.False);
        });
        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task An_atomic_batch_of_good_lines_applies_them_all()
    {
        var before = await CountAsync();
        var lines = Enumerable.Range(1, 5).Select(i => Line("create", body: Samples.Study($"Atominė gera {i}"))).ToArray();

        var (status, results, summary) = await RunAsync(Provider(), lines, atomic: true);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(results.Select(r => r["status"]!.GetValue<int>()), Has.All.EqualTo(201));
        Assert.That(summary["applied"]!.GetValue<bool>(), Is.True);
        Assert.That(await CountAsync(), Is.EqualTo(before + 5));
    }

    [Test]
    public async Task Thousands_of_lines_stream_through_in_chunks()
    {
        var before = await CountAsync();
        var lines = Enumerable.Range(1, 1500).Select(i => Line("create", body: Samples.Study($"Paketas {i}"))).ToArray();

        var (status, results, summary) = await RunAsync(Provider(), lines);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(results, Has.Count.EqualTo(1500));
        Assert.That(results.Select(r => r["status"]!.GetValue<int>()), Has.All.EqualTo(201));
        Assert.That(summary["succeeded"]!.GetValue<int>(), Is.EqualTo(1500));
        Assert.That(await CountAsync(), Is.EqualTo(before + 1500));
    }

    [Test]
    public async Task A_batch_needs_ndjson()
    {
        var response = await Provider().PostAsync("/api/v1/batches", new StringContent("[]", Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    private static string Line(string op, string? id = null, string? ifMatch = null, JsonObject? body = null) => new JsonObject
    {
        ["op"] = op,
        ["resource"] = "programmes",
        ["id"] = id,
        ["ifMatch"] = ifMatch,
        ["body"] = body,
    }.ToJsonString();

    private static async Task<(HttpStatusCode Status, List<JsonObject> Results, JsonObject Summary)> RunAsync(HttpClient client, string[] lines, bool atomic = false)
    {
        var content = new StringContent(string.Join("\n", lines) + "\n", Encoding.UTF8, "application/x-ndjson");
        var response = await client.PostAsync("/api/v1/batches" + (atomic ? "?atomic=true" : ""), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/x-ndjson"), text);
        var parsed = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        return (response.StatusCode, parsed.Where(p => p["summary"] is null).ToList(), parsed.Last()["summary"]!.AsObject());
    }
}
