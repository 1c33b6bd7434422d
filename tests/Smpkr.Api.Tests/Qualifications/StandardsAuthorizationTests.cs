using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Smpkr.Api.Auth;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Qualifications;

/// <summary>
/// The authorization matrix of the standards body's resources, expected statuses written out by hand:
/// the standards body owns them, a provider sees them only once registered, the registrar may do all.
/// </summary>
public sealed class StandardsAuthorizationTests : ApiTest
{
    private const string Kpmpc = "193135687";

    private static readonly string[] Resources = ["qualifications", "professional-standards", "vet-standards"];

    /// <summary>(caller, operation, state, expected)</summary>
    private static readonly (string Caller, string Operation, string State, int Expected)[] Rows =
    [
        ("standards-body", "get", "draft", 200),
        ("provider", "get", "draft", 404),
        ("auditor", "get", "draft", 200),
        ("accreditor", "get", "draft", 404),
        ("provider", "get", "registered", 200),
        ("standards-body", "put", "draft", 200),
        ("provider", "put", "draft", 404),
        ("auditor", "put", "draft", 403),
        ("registrar", "put", "draft", 200),
        ("standards-body", "patch", "registered", 200),
        ("provider", "patch", "registered", 403),
        ("accreditor", "patch", "registered", 403),
        ("standards-body", "submit", "draft", 200),
        ("provider", "submit", "draft", 404),
        ("standards-body", "approve", "submitted", 403),
        ("registrar", "approve", "submitted", 200),
        ("standards-body", "deregister", "registered", 403),
        ("registrar", "deregister", "registered", 200),
        ("standards-body", "audit", "registered", 200),
        ("provider", "audit", "registered", 404),
        ("standards-body", "delete", "draft", 204),
        ("provider", "delete", "draft", 404),
    ];

    private static IEnumerable<TestCaseData> Matrix() =>
        from resource in Resources
        from row in Rows
        select new TestCaseData(resource, row.Caller, row.Operation, row.State, row.Expected)
            .SetName($"{resource}: {row.Caller} {row.Operation} {row.State} → {row.Expected}");

    private int _serial;

    [TestCaseSource(nameof(Matrix))]
    public async Task Each_role_gets_what_the_spec_allows(string resource, string caller, string operation, string state, int expected)
    {
        var record = await PrepareAsync(resource, state);
        var client = App.ClientWith(caller switch
        {
            "standards-body" => TestTokens.For(Roles.StandardsBody, Kpmpc),
            "provider" => TestTokens.Provider(),
            "registrar" => TestTokens.Registrar(),
            "auditor" => TestTokens.For(Roles.Auditor),
            _ => TestTokens.For(Roles.Accreditor),
        });
        var path = $"/api/v1/{resource}/{record["id"]}";
        var response = operation switch
        {
            "get" => await client.GetAsync(path),
            "audit" => await client.GetAsync(path + "/audit"),
            "put" => await SendAsync(client, HttpMethod.Put, path, record, Samples.Json(Body(resource, "Pakeistas"))),
            "patch" => await SendAsync(client, HttpMethod.Patch, path, record, Samples.MergePatch(new JsonObject { ["name"] = new JsonObject { ["en"] = "Changed" } })),
            "delete" => await SendAsync(client, HttpMethod.Delete, path, record, null),
            "deregister" => await SendAsync(client, HttpMethod.Post, path + "/deregister", record, Samples.Json(new JsonObject { ["reason"] = "legal-basis-repealed" })),
            _ => await SendAsync(client, HttpMethod.Post, $"{path}/{operation}", record, null),
        };

        Assert.That((int)response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
        if (expected >= 400)
        {
            await ProblemAssert.IsProblem(response, (HttpStatusCode)expected);
        }
    }

    private async Task<JsonObject> PrepareAsync(string resource, string state)
    {
        var owner = App.ClientWith(TestTokens.For(Roles.StandardsBody, Kpmpc));
        var draft = await ProgrammeClient.ExpectAsync(
            await owner.PostAsync($"/api/v1/{resource}", Samples.Json(Body(resource, "Objektas"))), HttpStatusCode.Created);
        if (state == "draft")
        {
            return draft;
        }

        var submitted = await ProgrammeClient.ExpectAsync(
            await SendAsync(owner, HttpMethod.Post, $"/api/v1/{resource}/{draft["id"]}/submit", draft, null), HttpStatusCode.OK);
        return state == "submitted"
            ? submitted
            : await ProgrammeClient.ExpectAsync(
                await SendAsync(Registrar(), HttpMethod.Post, $"/api/v1/{resource}/{draft["id"]}/approve", submitted, null), HttpStatusCode.OK);
    }

    private JsonObject Body(string resource, string name) => resource switch
    {
        "qualifications" => new JsonObject
        {
            ["name"] = new JsonObject { ["lt"] = name }, ["type"] = "for-work", ["ltksLevel"] = "IV", ["eqfLevel"] = 4, ["iscedF"] = new JsonArray("0411"),
        },
        "professional-standards" => new JsonObject
        {
            ["name"] = new JsonObject { ["lt"] = name },
            ["sector"] = new JsonObject { ["lt"] = "Statybos sektorius" },
            ["approval"] = new JsonObject { ["body"] = "KPMPC", ["orderNumber"] = "V-1", ["date"] = "2021-01-01" },
        },
        _ => new JsonObject { ["legacyCode"] = $"35{Interlocked.Increment(ref _serial):D5}", ["name"] = new JsonObject { ["lt"] = name } },
    };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, JsonObject record, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ProgrammeClient.ETag(record)));
        return await client.SendAsync(request);
    }
}
