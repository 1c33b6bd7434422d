using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Smpkr.Api.Auth;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Providers;

public sealed class ProviderTests : ApiTest
{
    [Test]
    public async Task Every_role_reads_the_seeded_institutions()
    {
        var vu = await App.ClientWith(TestTokens.For(Roles.Auditor)).GetFromJsonAsync<JsonObject>("/api/v1/providers/211950810");

        Assert.Multiple(() =>
        {
            Assert.That(vu!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Vilniaus universitetas"));
            Assert.That(vu["type"]!.GetValue<string>(), Is.EqualTo("university"));
            Assert.That(vu["kinds"]!.AsArray().Select(k => k!.GetValue<string>()), Is.EqualTo(new[] { "study" }));
        });
        var page = await Provider().GetFromJsonAsync<JsonObject>("/api/v1/providers?type=vet-school&limit=500");
        Assert.That(page!["items"]!.AsArray().Select(p => p!["type"]!.GetValue<string>()), Is.Not.Empty.And.All.EqualTo("vet-school"));
    }

    [Test]
    public async Task The_registrar_adds_and_changes_a_provider_and_the_audit_log_shows_it()
    {
        var input = new JsonObject
        {
            ["code"] = "123456789",
            ["codeType"] = "legal-entity",
            ["name"] = new JsonObject { ["lt"] = "Bandomoji kolegija" },
            ["type"] = "college",
            ["kinds"] = new JsonArray("study"),
        };
        var created = await Registrar().PostAsync("/api/v1/providers", Samples.Json(input));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        Assert.That(created.Headers.Location?.ToString(), Is.EqualTo("/api/v1/providers/123456789"));

        input["kinds"] = new JsonArray("study", "vocational");
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/providers/123456789") { Content = Samples.Json(input) };
        request.Headers.IfMatch.ParseAdd("\"1\"");
        var changed = await ProgrammeClient.ExpectAsync(await Registrar().SendAsync(request), HttpStatusCode.OK);
        Assert.That(changed["kinds"]!.AsArray().Count, Is.EqualTo(2));

        var audit = await Registrar().GetFromJsonAsync<JsonObject>("/api/v1/audit?objectType=provider&code=123456789");
        var actions = audit!["items"]!.AsArray().Select(a => a!["action"]!.GetValue<string>());
        Assert.That(actions, Is.EqualTo(new[] { "create", "edit" }));
        Assert.That(audit["items"]![1]!["changes"]!["kinds"]!["after"]!.AsArray().Count, Is.EqualTo(2));
    }

    [Test]
    public async Task A_provider_may_not_manage_providers()
    {
        var input = new JsonObject { ["code"] = "987654321", ["codeType"] = "legal-entity", ["name"] = new JsonObject { ["lt"] = "X" }, ["type"] = "college" };

        await ProblemAssert.IsProblem(await Provider().PostAsync("/api/v1/providers", Samples.Json(input)), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task A_bad_provider_is_a_validation_problem()
    {
        var input = new JsonObject { ["code"] = "12345", ["codeType"] = "legal-entity", ["name"] = new JsonObject { ["lt"] = "X" }, ["type"] = "castle" };

        var response = await Registrar().PostAsync("/api/v1/providers", Samples.Json(input));

        var problem = await ProblemAssert.IsValidationProblem(response, "code", "provider.legal-entity-code");
        Assert.That(problem.GetProperty("codes").GetProperty("type")[0].GetString(), Is.EqualTo("classifier.unknown-code"));
    }

    [Test]
    public async Task The_audit_log_is_for_the_registrar_and_auditors_only()
    {
        Assert.Multiple(async () =>
        {
            Assert.That((await Registrar().GetAsync("/api/v1/audit")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await App.ClientWith(TestTokens.For(Roles.Auditor)).GetAsync("/api/v1/audit")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await ProblemAssert.IsProblem(await Provider().GetAsync("/api/v1/audit"), HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblem(await App.ClientWith(TestTokens.For(Roles.Accreditor)).GetAsync("/api/v1/audit"), HttpStatusCode.Forbidden);
        });
    }
}
