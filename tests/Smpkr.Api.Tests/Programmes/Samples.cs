using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Smpkr.Api.Tests.Programmes;

/// <summary>Valid programme bodies of each kind, to start tests from and break on purpose.</summary>
public static class Samples
{
    public static JsonObject Study(string name = "Programų sistemos", string fieldGroup = "B", string studyField = "B03") => new()
    {
        ["kind"] = "study",
        ["name"] = new JsonObject { ["lt"] = name, ["en"] = "Software Engineering" },
        ["summary"] = new JsonObject { ["general"] = new JsonObject { ["lt"] = "Programa rengia programų sistemų inžinierius.\nDviejų eilučių tekstas." } },
        ["iscedF"] = new JsonArray("0613"),
        ["iscedLevel"] = "645",
        ["languages"] = new JsonArray("lt", "en"),
        ["studyType"] = "university",
        ["cycle"] = "first",
        ["fieldGroup"] = fieldGroup,
        ["studyField"] = studyField,
        ["ltksLevel"] = "VI",
        ["eqfLevel"] = 6,
        ["credits"] = 240,
        ["forms"] = new JsonArray(new JsonObject
        {
            ["form"] = "full-time",
            ["duration"] = new JsonObject { ["value"] = 4, ["unit"] = "years" },
        }),
        ["award"] = new JsonObject { ["lt"] = "Informatikos mokslų bakalauras", ["en"] = "Bachelor of Informatics Sciences" },
    };

    public static JsonObject Vocational() => new()
    {
        ["kind"] = "vocational",
        ["name"] = new JsonObject { ["lt"] = "Apskaitininko modulinė profesinio mokymo programa" },
        ["iscedF"] = new JsonArray("0411"),
        ["iscedLevel"] = "454",
        ["modular"] = true,
        ["purpose"] = "initial",
        ["ltksLevel"] = "IV",
        ["eqfLevel"] = 4,
        ["credits"] = 60,
        ["duration"] = new JsonObject { ["value"] = 12, ["unit"] = "months" },
        ["minimumEducation"] = "upper-secondary",
        ["award"] = "qualification",
        ["modules"] = new JsonArray(new JsonObject
        {
            ["code"] = "4041101",
            ["name"] = new JsonObject { ["lt"] = "Įvadas į profesiją" },
            ["credits"] = 2,
            ["mandatory"] = true,
        }),
        ["approval"] = new JsonObject { ["number"] = "SPK-2024-17", ["date"] = "2024-05-17" },
    };

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static StringContent MergePatch(JsonNode patch) => new(patch.ToJsonString(), Encoding.UTF8, "application/merge-patch+json");

    public static JsonObject With(this JsonObject body, string property, JsonNode? value)
    {
        var copy = body.DeepClone().AsObject();
        copy[property] = value;
        return copy;
    }
}

/// <summary>Drives programmes through HTTP the way an institution's system and the registrar would.</summary>
public sealed class ProgrammeClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public async Task<JsonObject> CreateAsync(JsonObject body, string? owner = null)
    {
        var response = await Http.PostAsync("/api/v1/programmes" + (owner is null ? "" : $"?owner={owner}"), Samples.Json(body));
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    public async Task<JsonObject> GetAsync(string id) => await ExpectAsync(await Http.GetAsync($"/api/v1/programmes/{id}"), HttpStatusCode.OK);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? etag, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        }

        return Http.SendAsync(request);
    }

    /// <summary>POST /{id}/{action} with the record's current revision as If-Match.</summary>
    public async Task<HttpResponseMessage> TransitionAsync(JsonObject record, string action, JsonNode? body = null) =>
        await SendAsync(HttpMethod.Post, $"/api/v1/programmes/{record["id"]}/{action}", ETag(record), body is null ? null : Samples.Json(body));

    public async Task<JsonObject> TransitionOkAsync(JsonObject record, string action, JsonNode? body = null) =>
        await ExpectAsync(await TransitionAsync(record, action, body), HttpStatusCode.OK);

    public async Task<HttpResponseMessage> ReplaceAsync(JsonObject record, JsonObject body) =>
        await SendAsync(HttpMethod.Put, $"/api/v1/programmes/{record["id"]}", ETag(record), Samples.Json(body));

    public static string ETag(JsonObject record) => $"\"{record["revision"]}\"";

    public static async Task<JsonObject> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        return JsonNode.Parse(text)!.AsObject();
    }
}

/// <summary>Registrar and provider clients over one app, and a registered programme made on demand.</summary>
public abstract class ProgrammeTest : ApiTest
{
    protected ProgrammeClient Owner => new(Provider());

    protected ProgrammeClient Other => new(Provider(TestTokens.OtherProviderCode));

    protected ProgrammeClient Registry => new(Registrar());

    /// <summary>A study programme taken from draft through submission to registration.</summary>
    protected async Task<JsonObject> RegisteredAsync(JsonObject? body = null)
    {
        var draft = await Owner.CreateAsync(body ?? Samples.Study());
        var submitted = await Owner.TransitionOkAsync(draft, "submit");
        return await Registry.TransitionOkAsync(submitted, "approve", new JsonObject { ["validFrom"] = "2025-09-01" });
    }

    protected async Task<int> CountAsync()
    {
        var total = 0;
        string? next = "/api/v1/programmes?limit=500";
        while (next is not null)
        {
            var page = await Registrar().GetFromJsonAsync<JsonObject>(next);
            total += page!["items"]!.AsArray().Count;
            next = page["next"]?.GetValue<string>();
        }

        return total;
    }

    protected static JsonSerializerOptions Web { get; } = JsonSerializerOptions.Web;
}
