using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Smpkr.Api.Tests.Programmes;

public sealed class RecodeAndLineageTests : ProgrammeTest
{
    [Test]
    public async Task A_recoded_programme_is_found_by_both_codes_and_says_which_is_canonical()
    {
        var registered = await RegisteredAsync();
        var oldCode = registered["code"]!.GetValue<string>();

        var recoded = await Registry.TransitionOkAsync(registered, "recode", new JsonObject { ["code"] = "6121BX900", ["validFrom"] = "2030-01-01" });

        Assert.Multiple(() =>
        {
            Assert.That(recoded["code"]!.GetValue<string>(), Is.EqualTo("6121BX900"));
            Assert.That(recoded["aliases"]![0]!["code"]!.GetValue<string>(), Is.EqualTo(oldCode));
            Assert.That(recoded["aliases"]![0]!["validTo"]!.GetValue<string>(), Is.EqualTo("2029-12-31"));
        });
        var byOld = await Other.Http.GetAsync($"/api/v1/programmes/by-code/{oldCode}");
        var byNew = await Other.Http.GetAsync("/api/v1/programmes/by-code/6121BX900");
        var old = await ProgrammeClient.ExpectAsync(byOld, HttpStatusCode.OK);
        var current = await ProgrammeClient.ExpectAsync(byNew, HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(old["id"]!.GetValue<string>(), Is.EqualTo(registered["id"]!.GetValue<string>()));
            Assert.That(old["code"]!.GetValue<string>(), Is.EqualTo("6121BX900"));
            Assert.That(byOld.Headers.GetValues("Link").Single(), Is.EqualTo("</api/v1/programmes/by-code/6121BX900>; rel=\"canonical\""));
            Assert.That(byNew.Headers.Contains("Link"), Is.False);
            Assert.That(current["id"]!.GetValue<string>(), Is.EqualTo(registered["id"]!.GetValue<string>()));
        });
        var audit = (await Registrar().GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{registered["id"]}/audit"))!["items"]!.AsArray();
        var entry = audit.Last()!;
        Assert.That(entry["action"]!.GetValue<string>(), Is.EqualTo("recode"));
        Assert.That(entry["changes"]!["code"]!["before"]!.GetValue<string>(), Is.EqualTo(oldCode));
    }

    [Test]
    public async Task A_code_in_use_cannot_be_given_again_and_only_the_registrar_recodes()
    {
        var first = await RegisteredAsync();
        var second = await RegisteredAsync(Samples.Study("Antra"));

        var taken = await Registry.TransitionAsync(second, "recode", new JsonObject { ["code"] = first["code"]!.GetValue<string>(), ["validFrom"] = "2030-01-01" });
        await ProblemAssert.IsValidationProblem(taken, "code", "code.taken");

        var byOwner = await Owner.TransitionAsync(second, "recode", new JsonObject { ["code"] = "6121BX901", ["validFrom"] = "2030-01-01" });
        await ProblemAssert.IsProblem(byOwner, HttpStatusCode.Forbidden);

        var draft = await Owner.CreateAsync(Samples.Study("Juodraštis"));
        var notRegistered = await Registry.TransitionAsync(draft, "recode", new JsonObject { ["code"] = "6121BX902", ["validFrom"] = "2030-01-01" });
        await ProblemAssert.IsProblem(notRegistered, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Lineage_follows_two_supersessions_both_ways()
    {
        var oldest = await RegisteredAsync(Samples.Study("Seniausia"));
        var middle = await RegisteredAsync(Samples.Study("Vidurinė"));
        var newest = await RegisteredAsync(Samples.Study("Naujausia"));
        await Registry.TransitionOkAsync(oldest, "deregister", new JsonObject
        {
            ["reason"] = "superseded", ["supersededBy"] = middle["code"]!.GetValue<string>(), ["equivalent"] = true,
        });
        var middleNow = await Registry.GetAsync(middle["id"]!.GetValue<string>());
        await Registry.TransitionOkAsync(middleNow, "deregister", new JsonObject
        {
            ["reason"] = "superseded", ["supersededBy"] = newest["code"]!.GetValue<string>(), ["equivalent"] = false,
        });

        var fromOldest = await Other.Http.GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{oldest["id"]}/lineage");
        var fromNewest = await Other.Http.GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{newest["id"]}/lineage");

        static string[] Codes(JsonNode? list) => list!.AsArray().Select(e => e!["code"]!.GetValue<string>()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(Codes(fromOldest!["successors"]), Is.EqualTo(new[] { middle["code"]!.GetValue<string>(), newest["code"]!.GetValue<string>() }));
            Assert.That(fromOldest["current"]!["code"]!.GetValue<string>(), Is.EqualTo(newest["code"]!.GetValue<string>()));
            Assert.That(fromOldest["successors"]![0]!["equivalent"]!.GetValue<bool>(), Is.False, "the middle one's own successor is not equivalent");
            Assert.That(fromOldest["record"]!["equivalent"]!.GetValue<bool>(), Is.True);
            Assert.That(Codes(fromNewest!["predecessors"]), Is.EqualTo(new[] { middle["code"]!.GetValue<string>(), oldest["code"]!.GetValue<string>() }));
            Assert.That(fromNewest["predecessors"]![1]!["distance"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(fromNewest["current"]!["code"]!.GetValue<string>(), Is.EqualTo(newest["code"]!.GetValue<string>()));
        });
    }
}
