using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Smpkr.Api.Auth;
using Smpkr.Api.Register;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Accreditations;

public sealed class AccreditationTests : ProgrammeTest
{
    private HttpClient Accreditor() => App.ClientWith(TestTokens.For(Roles.Accreditor));

    [Test]
    public async Task The_accreditor_records_decisions_and_the_latest_is_current()
    {
        var programme = await RegisteredAsync();
        var path = $"/api/v1/programmes/{programme["id"]}/accreditations";

        var first = await Accreditor().PostAsJsonAsync(path, Decision("accredited", "2018-06-28", "2024-06-30"));
        var second = await Accreditor().PostAsJsonAsync(path, Decision("accredited", "2024-06-20", "2031-06-30"));

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Created), await second.Content.ReadAsStringAsync());
        var seen = await Other.Http.GetFromJsonAsync<JsonObject>(path);
        Assert.Multiple(() =>
        {
            Assert.That(seen!["current"]!["validUntil"]!.GetValue<string>(), Is.EqualTo("2031-06-30"));
            Assert.That(seen["current"]!["expired"]!.GetValue<bool>(), Is.False);
            Assert.That(seen["history"]!.AsArray(), Has.Count.EqualTo(2));
            Assert.That(seen["history"]![1]!["expired"]!.GetValue<bool>(), Is.True);
            Assert.That(seen["current"]!["scores"]![0]!["score"]!.GetValue<int>(), Is.EqualTo(4));
        });
        var audit = (await Registrar().GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{programme["id"]}/audit"))!["items"]!.AsArray();
        Assert.That(audit.Count(a => a!["action"]!.GetValue<string>() == "accredit"), Is.EqualTo(2));
    }

    [Test]
    public async Task The_programme_shows_its_current_accreditation_and_whether_it_expired_in_the_register_and_in_open_data()
    {
        var expired = await RegisteredAsync(Samples.Study("Pasibaigusios akreditacijos"));
        var current = await RegisteredAsync(Samples.Study("Galiojančios akreditacijos"));
        var none = await RegisteredAsync(Samples.Study("Dar neakredituota"));
        await Accreditor().PostAsJsonAsync($"/api/v1/programmes/{expired["id"]}/accreditations", Decision("accredited", "2015-06-01", "2021-06-30"));
        await Accreditor().PostAsJsonAsync($"/api/v1/programmes/{current["id"]}/accreditations", Decision("accredited", "2024-06-01", "2031-06-30"));

        var one = await Other.GetAsync(expired["id"]!.GetValue<string>());
        var list = (await Registrar().GetFromJsonAsync<JsonObject>("/api/v1/programmes?status=registered&limit=500"))!["items"]!.AsArray();
        JsonNode? Listed(JsonObject record) => list.Single(r => r!["id"]!.GetValue<string>() == record["id"]!.GetValue<string>());
        var published = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{current["code"]}"))!;
        Assert.Multiple(() =>
        {
            Assert.That(one["facts"]!["accreditation"]!["expired"]!.GetValue<bool>(), Is.True);
            Assert.That(one["facts"]!["accreditation"]!["validUntil"]!.GetValue<string>(), Is.EqualTo("2021-06-30"));
            Assert.That(Listed(current)!["facts"]!["accreditation"]!["expired"]!.GetValue<bool>(), Is.False);
            Assert.That(Listed(expired)!["facts"]!["accreditation"]!["decision"]!.GetValue<string>(), Is.EqualTo("accredited"));
            Assert.That(Listed(none)!["facts"], Is.Null);
            Assert.That(published["accreditation"]!["validUntil"]!.GetValue<string>(), Is.EqualTo("2031-06-30"));
        });
    }

    [Test]
    public async Task Expired_and_expiring_accreditations_are_listed_for_the_registrar()
    {
        var expired = await RegisteredAsync(Samples.Study("Pasibaigusi"));
        var expiring = await RegisteredAsync(Samples.Study("Baigsis"));
        var fine = await RegisteredAsync(Samples.Study("Galiojanti"));
        var today = TimeProvider.System.TodayInLithuania();
        await Accreditor().PostAsJsonAsync($"/api/v1/programmes/{expired["id"]}/accreditations", Decision("accredited", "2015-06-01", "2021-06-30"));
        await Accreditor().PostAsJsonAsync($"/api/v1/programmes/{expiring["id"]}/accreditations",
            Decision("accredited-conditionally", "2023-06-01", today.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        await Accreditor().PostAsJsonAsync($"/api/v1/programmes/{fine["id"]}/accreditations", Decision("accredited", "2024-06-01", today.AddYears(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));

        var alerts = await Registrar().GetFromJsonAsync<JsonObject>("/api/v1/accreditations/alerts?withinDays=60");
        var codes = alerts!["items"]!.AsArray().Select(a => a!["code"]!.GetValue<string>()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(codes, Does.Contain(expired["code"]!.GetValue<string>()));
            Assert.That(codes, Does.Contain(expiring["code"]!.GetValue<string>()));
            Assert.That(codes, Does.Not.Contain(fine["code"]!.GetValue<string>()));
        });
        await ProblemAssert.IsProblem(await Provider().GetAsync("/api/v1/accreditations/alerts"), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Only_the_accreditor_and_registrar_record_and_only_on_registered_study_programmes()
    {
        var programme = await RegisteredAsync();
        var path = $"/api/v1/programmes/{programme["id"]}/accreditations";

        await ProblemAssert.IsProblem(await Provider().PostAsJsonAsync(path, Decision("accredited", "2024-06-01", "2030-06-01")), HttpStatusCode.Forbidden);
        Assert.That((await Registrar().PostAsJsonAsync(path, Decision("accredited", "2024-06-01", "2030-06-01"))).StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var draft = await Owner.CreateAsync(Samples.Study("Juodraštis"));
        await ProblemAssert.IsProblem(await Accreditor().PostAsJsonAsync($"/api/v1/programmes/{draft["id"]}/accreditations",
            Decision("accredited", "2024-06-01", "2030-06-01")), HttpStatusCode.NotFound);

        var vet = await new ProgrammeClient(Registrar()).TransitionOkAsync(
            await new ProgrammeClient(Provider(TestTokens.VetProviderCode)).CreateAsync(Samples.Vocational()), "approve");
        var notStudy = await Accreditor().PostAsJsonAsync($"/api/v1/programmes/{vet["id"]}/accreditations", Decision("accredited", "2024-06-01", "2030-06-01"));
        var problem = await ProblemAssert.IsProblem(notStudy, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("accreditation.not-study"));
    }

    [Test]
    public async Task A_retried_decision_with_the_same_key_is_recorded_once()
    {
        var programme = await RegisteredAsync();
        var path = $"/api/v1/programmes/{programme["id"]}/accreditations";
        async Task<HttpResponseMessage> PostAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Samples.Json(Decision("accredited", "2024-06-01", "2030-06-01")) };
            request.Headers.Add("Idempotency-Key", "skvc-decision-1");
            return await Accreditor().SendAsync(request);
        }

        var first = await PostAsync();
        var retry = await PostAsync();

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        var seen = await Accreditor().GetFromJsonAsync<JsonObject>(path);
        Assert.That(seen!["history"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [TestCase("accredited", "2024-06-01", null, "validUntil", "value.required")]
    [TestCase("accredited", "2024-06-01", "2020-01-01", "validUntil", "dates.out-of-order")]
    [TestCase("accredited", "2099-06-01", "2100-01-01", "decidedOn", "date.in-future")]
    [TestCase("excellent", "2024-06-01", "2030-01-01", "decision", "value.required")]
    public async Task A_bad_decision_is_a_validation_problem(string decision, string decidedOn, string? validUntil, string path, string code)
    {
        var programme = await RegisteredAsync();

        var response = await Accreditor().PostAsJsonAsync($"/api/v1/programmes/{programme["id"]}/accreditations", Decision(decision, decidedOn, validUntil));

        await ProblemAssert.IsValidationProblem(response, path, code);
    }

    private static JsonObject Decision(string decision, string decidedOn, string? validUntil) => new()
    {
        ["decision"] = decision,
        ["decidedOn"] = decidedOn,
        ["validUntil"] = validUntil,
        ["decisionNumber"] = "SV6-45",
        ["scores"] = new JsonArray(new JsonObject
        {
            ["criterion"] = new JsonObject { ["lt"] = "Studijų tikslai ir rezultatai", ["en"] = "Intended and achieved learning outcomes" },
            ["score"] = 4,
        }),
    };
}
