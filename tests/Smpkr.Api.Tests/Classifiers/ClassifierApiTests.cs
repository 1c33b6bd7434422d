using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Smpkr.Api.Tests.Classifiers;

public sealed class ClassifierApiTests : ApiTest
{
    private static readonly string[] SeededClassifiers =
    [
        "KL_EKS", "KL_ISCED_2011", "KL_ISCED_F", "KL_ISREGISTRAVIMO_PRIEZASTYS", "KL_KALBOS", "KL_KVALIFIKACIJU_TIPAI",
        "KL_LTKS", "KL_MINIMALUS_ISSILAVINIMAS", "KL_PM_PASKIRTIS", "KL_PM_TEIKIAMA", "KL_PROGRAMU_RUSYS",
        "KL_STUDIJU_FORMOS", "KL_STUDIJU_KRYPCIU_GRUPES", "KL_STUDIJU_KRYPTYS", "KL_STUDIJU_PAKOPOS", "KL_STUDIJU_RUSYS",
        "KL_TEIKEJU_TIPAI", "KL_UGDYMO_LYGMENYS",
    ];

    [Test]
    public async Task Register_api_lists_every_seeded_classifier_with_item_counts()
    {
        var response = await Provider().GetAsync("/api/v1/classifiers");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var list = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.That(list.Select(c => c.GetProperty("abbreviation").GetString()), Is.EqualTo(SeededClassifiers));
        var iscedF = list.Single(c => c.GetProperty("abbreviation").GetString() == "KL_ISCED_F");
        Assert.Multiple(() =>
        {
            Assert.That(iscedF.GetProperty("itemCount").GetInt32(), Is.GreaterThan(200));
            Assert.That(iscedF.GetProperty("name").GetProperty("lt").GetString(), Is.Not.Empty);
            Assert.That(iscedF.GetProperty("name").GetProperty("en").GetString(), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Open_data_serves_ltks_levels_in_order_with_real_names()
    {
        var response = await Anonymous().GetAsync("/open/v1/classifiers/KL_LTKS");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var items = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(items.Select(i => i.GetProperty("code").GetString()), Is.EqualTo(new[] { "I", "II", "III", "IV", "V", "VI", "VII", "VIII" }));
            Assert.That(items[5].GetProperty("name").GetProperty("lt").GetString(), Is.EqualTo("VI lygis"));
            Assert.That(body.GetProperty("validAt").GetString(), Does.Match(@"^\d{4}-\d{2}-\d{2}$"));
        });
    }

    [Test]
    public async Task Isced_f_is_a_three_level_hierarchy()
    {
        var body = await Anonymous().GetFromJsonAsync<JsonElement>("/open/v1/classifiers/KL_ISCED_F?all=true");

        var items = body.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("code").GetString()!, i => i);
        Assert.Multiple(() =>
        {
            Assert.That(items["0613"].GetProperty("parent").GetString(), Is.EqualTo("061"));
            Assert.That(items["061"].GetProperty("parent").GetString(), Is.EqualTo("06"));
            Assert.That(items["06"].TryGetProperty("parent", out _), Is.False);
            Assert.That(items["0613"].GetProperty("name").GetProperty("en").GetString(), Does.Contain("Software"));
            Assert.That(body.TryGetProperty("validAt", out _), Is.False, "all=true lists items without a day");
        });
    }

    [Test]
    public async Task Languages_have_lithuanian_names()
    {
        var item = await Anonymous().GetFromJsonAsync<JsonElement>("/open/v1/classifiers/KL_KALBOS/items/lt");

        Assert.That(item.GetProperty("name").GetProperty("lt").GetString(), Is.EqualTo("lietuvių"));
    }

    [Test]
    public async Task ValidAt_selects_items_in_force_that_day()
    {
        var added = await Registrar().PostAsJsonAsync("/api/v1/classifiers/KL_STUDIJU_FORMOS/items", new
        {
            code = "evening",
            name = new { lt = "Vakarinė", en = "Evening" },
            validFrom = "2030-01-01",
            validTo = "2030-12-31",
        });
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created), await added.Content.ReadAsStringAsync());

        async Task<string?[]> CodesAsync(string query) =>
            (await Anonymous().GetFromJsonAsync<JsonElement>("/open/v1/classifiers/KL_STUDIJU_FORMOS" + query))
                .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()).ToArray();

        Assert.Multiple(async () =>
        {
            Assert.That(await CodesAsync(""), Is.EqualTo(new[] { "full-time", "part-time" }));
            Assert.That(await CodesAsync("?validAt=2030-06-01"), Is.EqualTo(new[] { "full-time", "part-time", "evening" }));
            Assert.That(await CodesAsync("?validAt=2031-01-01"), Is.EqualTo(new[] { "full-time", "part-time" }));
            Assert.That(await CodesAsync("?all=true"), Is.EqualTo(new[] { "full-time", "part-time", "evening" }));
        });
    }

    [Test]
    public async Task Registrar_adds_an_item_that_is_then_served()
    {
        var response = await Registrar().PostAsJsonAsync("/api/v1/classifiers/KL_STUDIJU_KRYPTYS/items", new
        {
            code = "B99",
            name = new { lt = "Bandomoji kryptis", en = "Trial field" },
            parent = "B",
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo("/api/v1/classifiers/KL_STUDIJU_KRYPTYS/items/B99"));
        var served = await Provider().GetFromJsonAsync<JsonElement>(response.Headers.Location);
        Assert.Multiple(() =>
        {
            Assert.That(served.GetProperty("code").GetString(), Is.EqualTo("B99"));
            Assert.That(served.GetProperty("parent").GetString(), Is.EqualTo("B"));
            Assert.That(served.GetProperty("name").GetProperty("en").GetString(), Is.EqualTo("Trial field"));
        });
    }

    [Test]
    public async Task A_provider_may_not_add_items()
    {
        var response = await Provider().PostAsJsonAsync("/api/v1/classifiers/KL_STUDIJU_KRYPTYS/items", new { code = "B98", name = new { lt = "X" } });

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
        await AssertItemAbsent("KL_STUDIJU_KRYPTYS", "B98");
    }

    [Test]
    public async Task Adding_an_existing_code_is_a_conflict()
    {
        var response = await Registrar().PostAsJsonAsync("/api/v1/classifiers/KL_STUDIJU_KRYPTYS/items", new { code = "B01", name = new { lt = "Kita" } });

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("classifier.item-exists"));
        var item = await Anonymous().GetFromJsonAsync<JsonElement>("/open/v1/classifiers/KL_STUDIJU_KRYPTYS/items/B01");
        Assert.That(item.GetProperty("name").GetProperty("lt").GetString(), Is.EqualTo("Informatika"));
    }

    [Test]
    public async Task An_unknown_parent_is_refused()
    {
        var response = await Registrar().PostAsJsonAsync("/api/v1/classifiers/KL_STUDIJU_KRYPTYS/items", new { code = "Z01", name = new { lt = "Z" }, parent = "Z" });

        await ProblemAssert.IsValidationProblem(response, "parent", "classifier.parent-unknown");
        await AssertItemAbsent("KL_STUDIJU_KRYPTYS", "Z01");
    }

    [TestCase("""{"code":"X1","name":{"en":"No Lithuanian"}}""", "name.lt", "text.required")]
    [TestCase("""{"name":{"lt":"No code"}}""", "code", "text.required")]
    [TestCase("""{"code":"X1","name":{"lt":"Nul\u0000here"}}""", "name.lt", "text.control-character")]
    [TestCase("""{"code":"X1","name":{"lt":" padded"}}""", "name.lt", "text.untrimmed")]
    [TestCase("""{"code":"X 1","name":{"lt":"Space in code"}}""", "code", "classifier.code-format")]
    [TestCase("""{"code":"X1","name":{"lt":"Dates"},"validFrom":"2030-01-02","validTo":"2030-01-01"}""", "validTo", "dates.out-of-order")]
    public async Task Invalid_items_get_a_validation_problem_and_nothing_is_written(string json, string path, string code)
    {
        var response = await Registrar().PostAsync("/api/v1/classifiers/KL_STUDIJU_FORMOS/items", Json(json));

        await ProblemAssert.IsValidationProblem(response, path, code);
        await AssertItemAbsent("KL_STUDIJU_FORMOS", "X1");
    }

    [Test]
    public async Task A_name_over_250_characters_is_refused()
    {
        var response = await Registrar().PostAsJsonAsync("/api/v1/classifiers/KL_STUDIJU_FORMOS/items", new { code = "X2", name = new { lt = new string('ą', 251) } });

        var problem = await ProblemAssert.IsValidationProblem(response, "name.lt", "text.too-long");
        Assert.That(problem.GetProperty("errors").GetProperty("name.lt")[0].GetString(), Does.Contain("250"));
        await AssertItemAbsent("KL_STUDIJU_FORMOS", "X2");
    }

    [Test]
    public async Task An_unknown_classifier_is_a_404_problem()
    {
        var response = await Anonymous().GetAsync("/open/v1/classifiers/KL_NERA");

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("classifier.not-found"));
    }

    [Test]
    public async Task An_unknown_item_is_a_404_problem()
    {
        var response = await Anonymous().GetAsync("/open/v1/classifiers/KL_LTKS/items/IX");

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("classifier.item-not-found"));
    }

    [Test]
    public async Task ValidAt_and_all_together_are_refused()
    {
        var response = await Anonymous().GetAsync("/open/v1/classifiers/KL_LTKS?validAt=2020-01-01&all=true");

        await ProblemAssert.IsValidationProblem(response, "all", "query.conflict");
    }

    private async Task AssertItemAbsent(string abbreviation, string code)
    {
        var response = await Anonymous().GetAsync($"/open/v1/classifiers/{abbreviation}/items/{code}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "nothing may be written");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
