using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Smpkr.Api.Auth;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Qualifications;

/// <summary>Qualifications, professional standards and VET standards on the same machinery as programmes.</summary>
public sealed class StandardsBodyTests : ApiTest
{
    private const string Kpmpc = "193135687";

    private HttpClient StandardsBody() => App.ClientWith(TestTokens.For(Roles.StandardsBody, Kpmpc));

    [Test]
    public async Task A_standard_and_a_qualification_go_through_the_lifecycle_and_link_up()
    {
        var standard = await RegisterAsync("professional-standards", Standard("Apskaitos ir finansų sektoriaus profesinis standartas"));
        Assert.That(standard["code"]!.GetValue<string>(), Does.Match("^PS[0-9]{3}$"));

        var qualification = await RegisterAsync("qualifications", Qualification(standard["code"]!.GetValue<string>()));
        Assert.That(qualification["code"]!.GetValue<string>(), Does.Match("^K40411[0-9]{3}$"));

        // A programme may now name the qualification it leads to.
        var programme = Samples.Vocational();
        programme["qualificationCode"] = qualification["code"]!.GetValue<string>();
        var created = await Provider(TestTokens.VetProviderCode).PostAsync("/api/v1/programmes", Samples.Json(programme));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());

        // The standard's update, listing the qualification, is its second version.
        var body = Standard("Apskaitos ir finansų sektoriaus profesinis standartas");
        body["qualificationCodes"] = new JsonArray(qualification["code"]!.GetValue<string>());
        var changed = await SendAsync(StandardsBody(), HttpMethod.Put, $"/api/v1/professional-standards/{standard["id"]}", standard, body);
        var submitted = await SendAsync(StandardsBody(), HttpMethod.Post, $"/api/v1/professional-standards/{standard["id"]}/submit", changed);
        var second = await SendAsync(Registrar(), HttpMethod.Post, $"/api/v1/professional-standards/{standard["id"]}/approve", submitted,
            new JsonObject { ["validFrom"] = "2030-01-01" });
        Assert.Multiple(() =>
        {
            Assert.That(second["version"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(second["data"]!["qualificationCodes"]![0]!.GetValue<string>(), Is.EqualTo(qualification["code"]!.GetValue<string>()));
        });
    }

    [Test]
    public async Task Links_must_name_registered_objects()
    {
        var qualification = await StandardsBody().PostAsync("/api/v1/qualifications", Samples.Json(Qualification("PS999")));
        await ProblemAssert.IsValidationProblem(qualification, "professionalStandardCode", "link.not-registered");

        var programme = Samples.Vocational();
        programme["qualificationCode"] = "K40411999";
        var response = await Provider(TestTokens.VetProviderCode).PostAsync("/api/v1/programmes", Samples.Json(programme));
        await ProblemAssert.IsValidationProblem(response, "qualificationCode", "link.not-registered");
    }

    [Test]
    public async Task A_legacy_vet_standard_keeps_its_code_and_a_code_is_imported_once()
    {
        var imported = await RegisterAsync("vet-standards", new JsonObject
        {
            ["legacyCode"] = "S211001",
            ["name"] = new JsonObject { ["lt"] = "Suvirintojo profesinio rengimo standartas" },
            ["ltksLevel"] = "III",
            ["iscedF"] = new JsonArray("0715"),
            ["approvedOn"] = "2004-06-30",
        });
        Assert.That(imported["code"]!.GetValue<string>(), Is.EqualTo("S211001"));
        var byCode = await Provider().GetFromJsonAsync<JsonObject>("/api/v1/vet-standards/by-code/S211001");
        Assert.That(byCode!["id"]!.GetValue<string>(), Is.EqualTo(imported["id"]!.GetValue<string>()));

        var again = await StandardsBody().PostAsync("/api/v1/vet-standards", Samples.Json(new JsonObject
        {
            ["legacyCode"] = "S211001",
            ["name"] = new JsonObject { ["lt"] = "Dar kartą" },
        }));
        await ProblemAssert.IsValidationProblem(again, "code", "code.taken");

        var deregistered = await SendAsync(Registrar(), HttpMethod.Post, $"/api/v1/vet-standards/{imported["id"]}/deregister", imported,
            new JsonObject { ["reason"] = "legal-basis-repealed" });
        Assert.That(deregistered["status"]!.GetValue<string>(), Is.EqualTo("deregistered"));
    }

    [Test]
    public async Task Deregistering_a_referenced_qualification_is_refused_unless_the_registrar_insists()
    {
        var qualification = await RegisterAsync("qualifications", Qualification(null));
        var programme = Samples.Vocational();
        programme["qualificationCode"] = qualification["code"]!.GetValue<string>();
        var vet = new ProgrammeClient(Provider(TestTokens.VetProviderCode));
        var draft = await vet.CreateAsync(programme);
        var registered = await new ProgrammeClient(Registrar()).TransitionOkAsync(draft, "approve");

        var refused = await SendRawAsync(Registrar(), $"/api/v1/qualifications/{qualification["id"]}/deregister", qualification,
            new JsonObject { ["reason"] = "legal-basis-repealed" });
        var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("deregistration.referenced"));
            Assert.That(problem.GetProperty("referrers")[0].GetProperty("objectType").GetString(), Is.EqualTo("programme"));
            Assert.That(problem.GetProperty("referrers")[0].GetProperty("code").GetString(), Is.EqualTo(registered["code"]!.GetValue<string>()));
            Assert.That(problem.GetProperty("referrers")[0].GetProperty("id").GetString(), Is.EqualTo(registered["id"]!.GetValue<string>()));
        });

        var forced = await SendAsync(Registrar(), HttpMethod.Post, $"/api/v1/qualifications/{qualification["id"]}/deregister", qualification,
            new JsonObject { ["reason"] = "legal-basis-repealed", ["despiteReferences"] = true });
        Assert.That(forced["status"]!.GetValue<string>(), Is.EqualTo("deregistered"));
        var audit = (await Registrar().GetFromJsonAsync<JsonObject>($"/api/v1/qualifications/{qualification["id"]}/audit"))!["items"]!.AsArray();
        Assert.That(audit.Last()!["comment"]!.GetValue<string>(), Does.Contain($"despite references from: programme {registered["code"]}"));
    }

    [Test]
    public async Task A_programme_no_longer_referring_frees_the_qualification()
    {
        var qualification = await RegisterAsync("qualifications", Qualification(null));
        var programme = Samples.Vocational();
        programme["qualificationCode"] = qualification["code"]!.GetValue<string>();
        var vet = new ProgrammeClient(Provider(TestTokens.VetProviderCode));
        var registered = await new ProgrammeClient(Registrar()).TransitionOkAsync(await vet.CreateAsync(programme), "approve");
        programme.Remove("qualificationCode");
        var pending = await ProgrammeClient.ExpectAsync(await vet.ReplaceAsync(registered, programme), HttpStatusCode.OK);
        await new ProgrammeClient(Registrar()).TransitionOkAsync(pending, "approve", new JsonObject { ["validFrom"] = "2030-01-01" });

        var done = await SendAsync(Registrar(), HttpMethod.Post, $"/api/v1/qualifications/{qualification["id"]}/deregister", qualification,
            new JsonObject { ["reason"] = "legal-basis-repealed" });

        Assert.That(done["status"]!.GetValue<string>(), Is.EqualTo("deregistered"));
    }

    [TestCase("qualifications")]
    [TestCase("professional-standards")]
    [TestCase("vet-standards")]
    public async Task Only_the_standards_body_and_the_registrar_create_them(string resource)
    {
        var body = resource switch
        {
            "qualifications" => Qualification(null),
            "professional-standards" => Standard("Sektorius"),
            _ => new JsonObject { ["legacyCode"] = "S999001", ["name"] = new JsonObject { ["lt"] = "Standartas" } },
        };

        await ProblemAssert.IsProblem(await Provider().PostAsync($"/api/v1/{resource}", Samples.Json(body)), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await App.ClientWith(TestTokens.For(Roles.Accreditor)).PostAsync($"/api/v1/{resource}", Samples.Json(body)), HttpStatusCode.Forbidden);
        var registrar = await Registrar().PostAsync($"/api/v1/{resource}?owner={Kpmpc}", Samples.Json(body));
        Assert.That(registrar.StatusCode, Is.EqualTo(HttpStatusCode.Created), await registrar.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_provider_sees_registered_qualifications_but_not_drafts()
    {
        var draft = await Created(await StandardsBody().PostAsync("/api/v1/qualifications", Samples.Json(Qualification(null))));

        await ProblemAssert.IsProblem(await Provider().GetAsync($"/api/v1/qualifications/{draft["id"]}"), HttpStatusCode.NotFound);
        Assert.That((await StandardsBody().GetAsync($"/api/v1/qualifications/{draft["id"]}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private async Task<JsonObject> RegisterAsync(string resource, JsonObject body)
    {
        var draft = await Created(await StandardsBody().PostAsync($"/api/v1/{resource}", Samples.Json(body)));
        var submitted = await SendAsync(StandardsBody(), HttpMethod.Post, $"/api/v1/{resource}/{draft["id"]}/submit", draft);
        return await SendAsync(Registrar(), HttpMethod.Post, $"/api/v1/{resource}/{draft["id"]}/approve", submitted, new JsonObject { ["validFrom"] = "2025-01-01" });
    }

    private static async Task<JsonObject> Created(HttpResponseMessage response) => await ProgrammeClient.ExpectAsync(response, HttpStatusCode.Created);

    private static async Task<JsonObject> SendAsync(HttpClient client, HttpMethod method, string path, JsonObject record, JsonObject? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Samples.Json(body) };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ProgrammeClient.ETag(record)));
        return await ProgrammeClient.ExpectAsync(await client.SendAsync(request), HttpStatusCode.OK);
    }

    private static async Task<HttpResponseMessage> SendRawAsync(HttpClient client, string path, JsonObject record, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Samples.Json(body) };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ProgrammeClient.ETag(record)));
        return await client.SendAsync(request);
    }

    private static JsonObject Standard(string name) => new()
    {
        ["name"] = new JsonObject { ["lt"] = name },
        ["sector"] = new JsonObject { ["lt"] = "Apskaita ir finansai", ["en"] = "Accounting and finance" },
        ["approval"] = new JsonObject { ["body"] = "Kvalifikacijų ir profesinio mokymo plėtros centras", ["orderNumber"] = "V-117", ["date"] = "2021-03-15" },
    };

    private static JsonObject Qualification(string? standard) => new()
    {
        ["name"] = new JsonObject { ["lt"] = "Apskaitininkas", ["en"] = "Accountant" },
        ["type"] = "for-work",
        ["ltksLevel"] = "IV",
        ["eqfLevel"] = 4,
        ["iscedF"] = new JsonArray("0411"),
        ["professionalStandardCode"] = standard,
        ["units"] = new JsonArray(new JsonObject
        {
            ["code"] = "401110001",
            ["name"] = new JsonObject { ["lt"] = "Apskaitos dokumentų tvarkymas" },
            ["competences"] = new JsonArray(new JsonObject { ["lt"] = "Tvarkyti apskaitos dokumentus." }),
        }),
        ["occupations"] = new JsonArray("331301"),
        ["documents"] = new JsonArray(new JsonObject { ["lt"] = "Profesinio mokymo diplomas" }),
    };
}
