using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Smpkr.Api.Tests.Programmes;

/// <summary>Bad input gets a 4xx problem document naming what is wrong, and nothing is written.</summary>
public sealed class ProgrammeInputTests : ProgrammeTest
{
    private static readonly object[] BadBodies =
    [
        new object[] { "missing kind", Samples.Study().With("kind", null).ToJsonString(), "kind", "kind.required" },
        new object[] { "unknown kind", Samples.Study().With("kind", "doctoral").ToJsonString(), "kind", "kind.unknown" },
        new object[] { "unknown field", Samples.Study().With("colour", "red").ToJsonString(), "colour", "json.unknown-field" },
        new object[] { "wrong type", Samples.Study().With("credits", "many").ToJsonString(), "credits", "json.invalid" },
        new object[] { "nested wrong type", Samples.Study().With("forms", JsonNode.Parse("""[{"form":"full-time","duration":{"value":"four","unit":"years"}}]""")).ToJsonString(), "forms[0].duration.value", "json.invalid" },
        new object[] { "missing name", Samples.Study().With("name", null).ToJsonString(), "name", "text.required" },
        new object[] { "missing required field", Samples.Study().With("studyType", null).ToJsonString(), "studyType", "value.required" },
        new object[] { "name too long", Samples.Study(new string('a', 251)).ToJsonString(), "name.lt", "text.too-long" },
        new object[] { "NUL character", Samples.Study("Programa\u0000").ToJsonString(), "name.lt", "text.control-character" },
        new object[] { "other control character", Samples.Study("Programa\u001b[31m").ToJsonString(), "name.lt", "text.control-character" },
        new object[] { "unknown classifier code", Samples.Study().With("iscedF", new JsonArray("9876")).ToJsonString(), "iscedF[0]", "classifier.unknown-code" },
        new object[] { "unknown language", Samples.Study().With("languages", new JsonArray("xx")).ToJsonString(), "languages[0]", "classifier.unknown-code" },
        new object[] { "field outside its group", Samples.Study(fieldGroup: "L", studyField: "B01").ToJsonString(), "studyField", "study-field.group-mismatch" },
        new object[] { "eqf not matching ltks", Samples.Study().With("eqfLevel", 7).ToJsonString(), "eqfLevel", "level.eqf-mismatch" },
        new object[] { "negative credits", Samples.Study().With("credits", -60).ToJsonString(), "credits", "value.out-of-range" },
        new object[] { "absurd credits", Samples.Study().With("credits", 100000).ToJsonString(), "credits", "value.out-of-range" },
        new object[] { "absurd duration", Samples.Study().With("forms", JsonNode.Parse("""[{"form":"full-time","duration":{"value":99,"unit":"years"}}]""")).ToJsonString(), "forms[0].duration.value", "value.out-of-range" },
        new object[] { "college master", Samples.Study().With("studyType", "college").With("cycle", "second").ToJsonString(), "cycle", "cycle.not-for-college" },
        new object[] { "unknown co-provider", Samples.Study().With("coProviders", new JsonArray("999999999")).ToJsonString(), "coProviders[0]", "provider.unknown" },
        new object[] { "not an object", "[1,2,3]", "", "json.not-object" },
        new object[] { "malformed JSON", """{"kind": "study", "name": {"lt": "A"}""", "", "json.invalid" },
    ];

    [TestCaseSource(nameof(BadBodies))]
    public async Task A_bad_body_is_a_validation_problem_and_nothing_is_written(string what, string json, string path, string code)
    {
        var before = await CountAsync();

        var response = await Provider().PostAsync("/api/v1/programmes", new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsValidationProblem(response, path, code);
        Assert.That(await CountAsync(), Is.EqualTo(before), what);
    }

    [TestCaseSource(nameof(BadBodies))]
    public async Task Validate_gives_the_same_problem_without_storing(string what, string json, string path, string code)
    {
        var before = await CountAsync();

        var response = await Provider().PostAsync("/api/v1/programmes/validate", new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsValidationProblem(response, path, code);
        Assert.That(await CountAsync(), Is.EqualTo(before), what);
    }

    [Test]
    public async Task Validate_accepts_a_good_body_and_stores_nothing()
    {
        var before = await CountAsync();

        var response = await Provider().PostAsync("/api/v1/programmes/validate", Samples.Json(Samples.Study()));

        var echoed = await ProgrammeClient.ExpectAsync(response, HttpStatusCode.OK);
        Assert.That(echoed["studyField"]!.GetValue<string>(), Is.EqualTo("B03"));
        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_huge_body_is_413()
    {
        var huge = Samples.Study().With("summary", new JsonObject { ["general"] = new JsonObject { ["lt"] = new string('x', 2 * 1024 * 1024) } });

        var response = await Provider().PostAsync("/api/v1/programmes", Samples.Json(huge));

        await ProblemAssert.IsProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task A_wrong_media_type_is_415()
    {
        var response = await Provider().PostAsync("/api/v1/programmes", new StringContent(Samples.Study().ToJsonString(), Encoding.UTF8, "text/plain"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task A_merge_patch_needs_its_media_type()
    {
        var draft = await Owner.CreateAsync(Samples.Study());

        var response = await Owner.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{draft["id"]}", ProgrammeClient.ETag(draft), Samples.Json(new JsonObject { ["credits"] = 180 }));

        await ProblemAssert.IsProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task A_change_to_a_registered_programme_cannot_contradict_its_code()
    {
        var registered = await RegisteredAsync();

        var response = await Owner.ReplaceAsync(registered, Samples.Study(fieldGroup: "L", studyField: "L01"));

        await ProblemAssert.IsValidationProblem(response, "fieldGroup", "code.field-group-mismatch");
        Assert.That((await Owner.GetAsync(registered["id"]!.GetValue<string>()))["pendingChange"], Is.Null);
    }

    [Test]
    public async Task An_approval_date_in_the_future_is_refused()
    {
        var body = Samples.Vocational();
        body["approval"] = new JsonObject { ["number"] = "SPK-1", ["date"] = "2099-01-01" };

        var response = await Provider(TestTokens.VetProviderCode).PostAsync("/api/v1/programmes", Samples.Json(body));

        await ProblemAssert.IsValidationProblem(response, "approval.date", "date.in-future");
    }

    [TestCase("?status=archived", "status")]
    [TestCase("?kind=doctoral", "kind")]
    [TestCase("?limit=100000", "limit")]
    [TestCase("?cursor=not-a-cursor", "cursor")]
    [TestCase("?statuss=draft", "statuss")]
    public async Task A_bad_list_query_is_400_naming_the_parameter(string query, string parameter)
    {
        var response = await Registrar().GetAsync("/api/v1/programmes" + query);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(parameter, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task An_unknown_id_is_404_and_a_malformed_one_too()
    {
        await ProblemAssert.IsProblem(await Registrar().GetAsync($"/api/v1/programmes/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await Registrar().GetAsync("/api/v1/programmes/not-a-guid"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await Registrar().GetAsync("/api/v1/programmes/by-code/6121BX999"), HttpStatusCode.NotFound);
    }
}
