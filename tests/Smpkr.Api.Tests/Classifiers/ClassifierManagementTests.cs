using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Classifiers;

public sealed class ClassifierManagementTests : ProgrammeTest
{
    private const string Header = "code,nameLt,nameEn,parent,validFrom,validTo\n";

    [Test]
    public async Task A_dry_run_reports_the_changes_and_the_load_then_makes_them()
    {
        var csv = Header +
                  "B01,Informatika,Informatics (renamed),B,2016-12-03,\n" +
                  "B02,Informacijos sistemos,Information systems,B,2016-12-03,\n" +
                  "B91,\"Dirbtinis intelektas, taikymai\",Artificial intelligence,B,2027-01-01,\n";

        var dry = await LoadAsync(csv, dryRun: true);
        Assert.Multiple(() =>
        {
            Assert.That(dry["dryRun"]!.GetValue<bool>(), Is.True);
            Assert.That(dry["added"]!.AsArray().Select(c => c!.GetValue<string>()), Is.EqualTo(new[] { "B91" }));
            Assert.That(dry["changed"]![0]!["code"]!.GetValue<string>(), Is.EqualTo("B01"));
            Assert.That(dry["changed"]![0]!["changes"]!["nameEn"]!["after"]!.GetValue<string>(), Is.EqualTo("Informatics (renamed)"));
            Assert.That(dry["unchanged"]!.GetValue<int>(), Is.EqualTo(1));
        });
        await ProblemAssert.IsProblem(await Anonymous().GetAsync("/open/v1/classifiers/KL_STUDIJU_KRYPTYS/items/B91"), HttpStatusCode.NotFound);

        var done = await LoadAsync(csv, dryRun: false);
        Assert.That(done["dryRun"]!.GetValue<bool>(), Is.False);
        var b91 = await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/classifiers/KL_STUDIJU_KRYPTYS/items/B91");
        var b01 = await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/classifiers/KL_STUDIJU_KRYPTYS/items/B01");
        Assert.Multiple(() =>
        {
            Assert.That(b91!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Dirbtinis intelektas, taikymai"));
            Assert.That(b01!["name"]!["en"]!.GetValue<string>(), Is.EqualTo("Informatics (renamed)"));
        });
        var audit = await Registrar().GetFromJsonAsync<JsonObject>("/api/v1/audit?objectType=classifier-item&limit=500");
        Assert.That(audit!["items"]!.AsArray().Select(a => a!["comment"]!.GetValue<string>()),
            Is.SupersetOf(new[] { "KL_STUDIJU_KRYPTYS B01", "KL_STUDIJU_KRYPTYS B91" }));
    }

    [Test]
    public async Task A_file_with_bad_rows_is_refused_whole_and_names_each_line()
    {
        var csv = Header +
                  "C91,Gera eilutė,Good row,C,,\n" +
                  "C92,Bloga data,Bad date,C,2027-13-01,\n" +
                  "C93,Nežinomas tėvas,Unknown parent,ZZ,,\n" +
                  "C94," + new string('x', 300) + ",,C,,\n";

        var response = await Registrar().PostAsync("/api/v1/classifiers/KL_STUDIJU_KRYPTYS/load", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        var paths = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(paths, Is.SupersetOf(new[] { "line[3]", "line[4].parent", "line[5].name.lt" }));
        await ProblemAssert.IsProblem(await Anonymous().GetAsync("/open/v1/classifiers/KL_STUDIJU_KRYPTYS/items/C91"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_retired_item_keeps_old_records_valid_and_refuses_new_uses()
    {
        var body = Samples.Study();
        body["forms"] = JsonNode.Parse("""[{"form":"part-time","duration":{"value":6,"unit":"years"}}]""");
        var registered = await RegisteredAsync(body);
        var draft = await Owner.CreateAsync(body);

        const string itemPath = "/api/v1/classifiers/KL_STUDIJU_FORMOS/items/part-time";
        HttpRequestMessage Retire(string? ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, itemPath)
            {
                Content = Samples.Json(new JsonObject { ["name"] = new JsonObject { ["lt"] = "Ištęstinė", ["en"] = "Part-time" }, ["validTo"] = "2020-12-31" }),
            };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            return request;
        }

        using var read = await Registrar().GetAsync(itemPath);
        var etag = read.Headers.ETag!.Tag;
        await ProblemAssert.IsProblem(await Registrar().SendAsync(Retire(null)), HttpStatusCode.PreconditionRequired);
        await ProblemAssert.IsProblem(await Registrar().SendAsync(Retire("\"999\"")), HttpStatusCode.PreconditionFailed);
        var retiring = await Registrar().SendAsync(Retire(etag));
        var retired = await ProgrammeClient.ExpectAsync(retiring, HttpStatusCode.OK);
        Assert.That(retired["validTo"]!.GetValue<string>(), Is.EqualTo("2020-12-31"));
        Assert.That(retiring.Headers.ETag!.Tag, Is.Not.EqualTo(etag), "a change gives the item a new ETag");
        await ProblemAssert.IsProblem(await Registrar().SendAsync(Retire(etag)), HttpStatusCode.PreconditionFailed);

        var old = await Other.GetAsync(registered["id"]!.GetValue<string>());
        Assert.That(old["data"]!["forms"]![0]!["form"]!.GetValue<string>(), Is.EqualTo("part-time"), "registered versions are untouched");
        var newUse = await Provider().PostAsync("/api/v1/programmes", Samples.Json(body));
        await ProblemAssert.IsValidationProblem(newUse, "forms[0].form", "classifier.not-in-force");
        var submit = await Owner.TransitionAsync(draft, "submit");
        await ProblemAssert.IsValidationProblem(submit, "forms[0].form", "classifier.not-in-force");
    }

    [Test]
    public async Task Only_the_registrar_loads_classifiers()
    {
        var response = await Provider().PostAsync("/api/v1/classifiers/KL_STUDIJU_KRYPTYS/load", new StringContent(Header, Encoding.UTF8, "text/csv"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    private async Task<JsonObject> LoadAsync(string csv, bool dryRun)
    {
        var response = await Registrar().PostAsync($"/api/v1/classifiers/KL_STUDIJU_KRYPTYS/load?dryRun={dryRun.ToString().ToLowerInvariant()}",
            new StringContent(csv, Encoding.UTF8, "text/csv"));
        return await ProgrammeClient.ExpectAsync(response, HttpStatusCode.OK);
    }
}
