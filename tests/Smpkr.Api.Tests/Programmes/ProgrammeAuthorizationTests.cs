using System.Net;
using System.Text.Json.Nodes;
using Smpkr.Api.Auth;

namespace Smpkr.Api.Tests.Programmes;

/// <summary>
/// Every programme endpoint × role × own/foreign record, with the expected status written out by
/// hand. "Foreign" records belong to another provider; a provider may not know another's drafts
/// exist (404) and may not touch another's registered records (403).
/// </summary>
public sealed class ProgrammeAuthorizationTests : ProgrammeTest
{
    private const string Owner1 = "owner";
    private const string OtherProvider = "other-provider";
    private const string Registrar1 = "registrar";
    private const string Auditor = "auditor";
    private const string Accreditor = "accreditor";
    private const string StandardsBody = "standards-body";

    /// <summary>(caller, operation, record state, expected status)</summary>
    private static readonly object[] Matrix =
    [
        // Reading a draft that was never registered
        new object[] { Owner1, "get", "draft", 200 },
        new object[] { OtherProvider, "get", "draft", 404 },
        new object[] { Registrar1, "get", "draft", 200 },
        new object[] { Auditor, "get", "draft", 200 },
        new object[] { Accreditor, "get", "draft", 404 },
        new object[] { StandardsBody, "get", "draft", 404 },
        // Reading a registered record
        new object[] { Owner1, "get", "registered", 200 },
        new object[] { OtherProvider, "get", "registered", 200 },
        new object[] { Accreditor, "get", "registered", 200 },
        new object[] { StandardsBody, "get", "registered", 200 },
        // Versions
        new object[] { OtherProvider, "versions", "draft", 404 },
        new object[] { OtherProvider, "versions", "registered", 200 },
        new object[] { Auditor, "versions", "registered", 200 },
        // Audit trail of one record
        new object[] { Owner1, "audit", "draft", 200 },
        new object[] { OtherProvider, "audit", "draft", 404 },
        new object[] { OtherProvider, "audit", "registered", 404 },
        new object[] { Registrar1, "audit", "registered", 200 },
        new object[] { Auditor, "audit", "registered", 200 },
        new object[] { Accreditor, "audit", "registered", 404 },
        // Editing a draft
        new object[] { Owner1, "put", "draft", 200 },
        new object[] { OtherProvider, "put", "draft", 404 },
        new object[] { Registrar1, "put", "draft", 200 },
        new object[] { Auditor, "put", "draft", 403 },
        new object[] { Accreditor, "put", "draft", 404 },
        new object[] { StandardsBody, "put", "draft", 404 },
        // Proposing a change to a registered record
        new object[] { Owner1, "patch", "registered", 200 },
        new object[] { OtherProvider, "patch", "registered", 403 },
        new object[] { Registrar1, "patch", "registered", 200 },
        new object[] { Auditor, "patch", "registered", 403 },
        new object[] { Accreditor, "patch", "registered", 403 },
        new object[] { StandardsBody, "patch", "registered", 403 },
        // Deleting a draft
        new object[] { Owner1, "delete", "draft", 204 },
        new object[] { OtherProvider, "delete", "draft", 404 },
        new object[] { Auditor, "delete", "draft", 403 },
        new object[] { Registrar1, "delete", "draft", 204 },
        // Submitting and withdrawing
        new object[] { Owner1, "submit", "draft", 200 },
        new object[] { OtherProvider, "submit", "draft", 404 },
        new object[] { Auditor, "submit", "draft", 403 },
        new object[] { Owner1, "withdraw", "submitted", 200 },
        new object[] { OtherProvider, "withdraw", "submitted", 404 },
        // Registrar-only transitions
        new object[] { Owner1, "approve", "submitted", 403 },
        new object[] { OtherProvider, "approve", "submitted", 404 },
        new object[] { Auditor, "approve", "submitted", 403 },
        new object[] { Accreditor, "approve", "submitted", 404 },
        new object[] { Registrar1, "approve", "submitted", 200 },
        new object[] { Owner1, "return", "submitted", 403 },
        new object[] { Registrar1, "return", "submitted", 200 },
        new object[] { Owner1, "deregister", "registered", 403 },
        new object[] { OtherProvider, "deregister", "registered", 403 },
        new object[] { StandardsBody, "deregister", "registered", 403 },
        new object[] { Registrar1, "deregister", "registered", 200 },
        // Owner-side transitions on registered records
        new object[] { Owner1, "request-deregistration", "registered", 200 },
        new object[] { OtherProvider, "request-deregistration", "registered", 403 },
        new object[] { Owner1, "discard-change", "registered-with-change", 200 },
        new object[] { OtherProvider, "discard-change", "registered-with-change", 403 },
        // Creating
        new object[] { Owner1, "create", "none", 201 },
        new object[] { Registrar1, "create", "none", 201 },
        new object[] { Auditor, "create", "none", 403 },
        new object[] { Accreditor, "create", "none", 403 },
        new object[] { StandardsBody, "create", "none", 403 },
    ];

    [TestCaseSource(nameof(Matrix))]
    public async Task Programme_endpoints_answer_each_role_as_the_spec_says(string caller, string operation, string state, int expected)
    {
        var record = state switch
        {
            "none" => null,
            "draft" => await Owner.CreateAsync(Samples.Study()),
            "submitted" => await Owner.TransitionOkAsync(await Owner.CreateAsync(Samples.Study()), "submit"),
            "registered" => await RegisteredAsync(),
            _ => await ProgrammeClient.ExpectAsync(await Owner.ReplaceAsync(await RegisteredAsync(), Samples.Study("Pakeista")), HttpStatusCode.OK),
        };
        var client = new ProgrammeClient(App.ClientWith(TokenFor(caller)));
        var id = record?["id"];
        var etag = record is null ? null : ProgrammeClient.ETag(record);

        var response = operation switch
        {
            "get" => await client.Http.GetAsync($"/api/v1/programmes/{id}"),
            "versions" => await client.Http.GetAsync($"/api/v1/programmes/{id}/versions"),
            "audit" => await client.Http.GetAsync($"/api/v1/programmes/{id}/audit"),
            "put" => await client.ReplaceAsync(record!, Samples.Study("Naujas pavadinimas")),
            "patch" => await client.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{id}", etag, Samples.MergePatch(new JsonObject { ["credits"] = 210 })),
            "delete" => await client.SendAsync(HttpMethod.Delete, $"/api/v1/programmes/{id}", etag),
            "create" => await client.Http.PostAsync(
                "/api/v1/programmes" + (caller == Registrar1 ? $"?owner={TestTokens.ProviderCode}" : ""), Samples.Json(Samples.Study())),
            "return" => await client.TransitionAsync(record!, "return", new JsonObject { ["comment"] = "Pataisykite." }),
            "deregister" => await client.TransitionAsync(record!, "deregister", new JsonObject { ["reason"] = "provider-request" }),
            "request-deregistration" => await client.TransitionAsync(record!, "request-deregistration", new JsonObject { ["reason"] = "provider-request" }),
            _ => await client.TransitionAsync(record!, operation),
        };

        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(expected), body);
        if (expected >= 400)
        {
            await ProblemAssert.IsProblem(response, (HttpStatusCode)expected);
        }

        if (expected is 403 or 404 && record is not null)
        {
            var after = await Registry.GetAsync(record["id"]!.GetValue<string>());
            Assert.That(after["revision"]!.GetValue<int>(), Is.EqualTo(record["revision"]!.GetValue<int>()), "a refused request changes nothing");
        }
    }

    [Test]
    public async Task Another_provider_sees_a_registered_record_without_its_pending_change()
    {
        var registered = await RegisteredAsync();
        await ProgrammeClient.ExpectAsync(await Owner.ReplaceAsync(registered, Samples.Study("Slapta pakeitimo versija")), HttpStatusCode.OK);

        var seenByOther = await Other.GetAsync(registered["id"]!.GetValue<string>());
        var seenByOwner = await Owner.GetAsync(registered["id"]!.GetValue<string>());

        Assert.Multiple(() =>
        {
            Assert.That(seenByOther["pendingChange"], Is.Null);
            Assert.That(seenByOther.ToJsonString(), Does.Not.Contain("Slapta pakeitimo versija"));
            Assert.That(seenByOwner["pendingChange"]!["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Slapta pakeitimo versija"));
        });
    }

    [Test]
    public async Task A_provider_may_not_submit_a_kind_it_is_not_allowed()
    {
        var response = await Provider().PostAsync("/api/v1/programmes", Samples.Json(Samples.Vocational()));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("kind.not-allowed"));
    }

    [Test]
    public async Task A_provider_token_without_a_provider_claim_cannot_create()
    {
        var response = await App.ClientWith(TestTokens.For(Roles.Provider)).PostAsync("/api/v1/programmes", Samples.Json(Samples.Study()));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("provider.claim-missing"));
    }

    [Test]
    public async Task A_provider_cannot_create_for_another_owner()
    {
        var response = await Provider().PostAsync($"/api/v1/programmes?owner={TestTokens.OtherProviderCode}", Samples.Json(Samples.Study()));

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    private static string TokenFor(string caller) => caller switch
    {
        Owner1 => TestTokens.Provider(),
        OtherProvider => TestTokens.Provider(TestTokens.OtherProviderCode),
        Registrar1 => TestTokens.Registrar(),
        Auditor => TestTokens.For(Roles.Auditor),
        Accreditor => TestTokens.For(Roles.Accreditor),
        _ => TestTokens.For(Roles.StandardsBody, "193135687"),
    };
}
