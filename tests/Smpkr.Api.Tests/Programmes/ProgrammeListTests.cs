using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Smpkr.Api.Tests.Programmes;

public sealed class ProgrammeListTests : ProgrammeTest
{
    [Test]
    public async Task A_provider_lists_its_own_drafts_and_every_registered_programme_only()
    {
        var ownDraft = await Owner.CreateAsync(Samples.Study("Mano juodraštis"));
        var foreignDraft = await Other.CreateAsync(Samples.Study("Svetimas juodraštis"));
        var foreignRegistered = await Registry.TransitionOkAsync(await Other.CreateAsync(Samples.Study("Svetima registruota")), "approve");

        var ids = await AllIdsAsync(Provider(), "/api/v1/programmes?limit=3");
        var listed = await Provider().GetFromJsonAsync<JsonObject>($"/api/v1/programmes?status=registered&provider={TestTokens.OtherProviderCode}&limit=500");
        var shown = listed!["items"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == foreignRegistered["id"]!.GetValue<string>())!;
        Assert.Multiple(() =>
        {
            Assert.That(shown["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Svetima registruota"), "a list shows each record's version in force");
            Assert.That(shown["version"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(shown["validFrom"], Is.Not.Null);
        });

        Assert.Multiple(() =>
        {
            Assert.That(ids, Does.Contain(ownDraft["id"]!.GetValue<string>()));
            Assert.That(ids, Does.Contain(foreignRegistered["id"]!.GetValue<string>()));
            Assert.That(ids, Does.Not.Contain(foreignDraft["id"]!.GetValue<string>()));
            Assert.That(ids, Is.Unique);
        });
    }

    [Test]
    public async Task Pages_follow_next_links_without_duplicates_or_gaps_while_records_are_added()
    {
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await Owner.CreateAsync(Samples.Study($"Puslapis {i}")))["id"]!.GetValue<string>());
        }

        var seen = new List<string>();
        string? next = $"/api/v1/programmes?provider={TestTokens.ProviderCode}&limit=2";
        var pages = 0;
        while (next is not null)
        {
            var response = await Registrar().GetAsync(next);
            var page = await response.Content.ReadFromJsonAsync<JsonObject>();
            seen.AddRange(page!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
            next = page["next"]?.GetValue<string>();
            if (next is not null)
            {
                Assert.That(response.Headers.GetValues("Link").Single(), Is.EqualTo($"<{next}>; rel=\"next\""));
            }

            if (pages++ == 1)
            {
                // A record added during the walk must not disturb what was already read.
                created.Add((await Owner.CreateAsync(Samples.Study("Įterptas vaikščiojant")))["id"]!.GetValue<string>());
            }
        }

        Assert.That(seen, Is.Unique);
        Assert.That(seen, Is.SupersetOf(created));
    }

    [Test]
    public async Task Filters_combine_kind_status_and_provider()
    {
        var vet = new ProgrammeClient(Provider(TestTokens.VetProviderCode));
        var vetDraft = await vet.CreateAsync(Samples.Vocational());
        var studyRegistered = await RegisteredAsync();

        var vetIds = await AllIdsAsync(Registrar(), $"/api/v1/programmes?kind=vocational&provider={TestTokens.VetProviderCode}");
        var registeredIds = await AllIdsAsync(Registrar(), "/api/v1/programmes?status=registered&status=deregistered");

        Assert.Multiple(() =>
        {
            Assert.That(vetIds, Does.Contain(vetDraft["id"]!.GetValue<string>()));
            Assert.That(vetIds, Does.Not.Contain(studyRegistered["id"]!.GetValue<string>()));
            Assert.That(registeredIds, Does.Contain(studyRegistered["id"]!.GetValue<string>()));
            Assert.That(registeredIds, Does.Not.Contain(vetDraft["id"]!.GetValue<string>()));
        });
    }

    private static async Task<List<string>> AllIdsAsync(HttpClient client, string first)
    {
        var ids = new List<string>();
        string? next = first;
        while (next is not null)
        {
            var response = await client.GetAsync(next);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            var page = await response.Content.ReadFromJsonAsync<JsonObject>();
            ids.AddRange(page!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
            next = page["next"]?.GetValue<string>();
        }

        return ids;
    }
}
