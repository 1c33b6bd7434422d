using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Smpkr.Api.Tests.Programmes;

public sealed class ProgrammeLifecycleTests : ProgrammeTest
{
    [Test]
    public async Task A_provider_creates_a_draft_it_owns()
    {
        var response = await Provider().PostAsync("/api/v1/programmes", Samples.Json(Samples.Study()));

        var created = await ProgrammeClient.ExpectAsync(response, HttpStatusCode.Created);
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/programmes/{created["id"]}"));
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo("\"1\""));
            Assert.That(response.Content.Headers.LastModified, Is.Not.Null);
            Assert.That(created["status"]!.GetValue<string>(), Is.EqualTo("draft"));
            Assert.That(created["owner"]!.GetValue<string>(), Is.EqualTo(TestTokens.ProviderCode));
            Assert.That(created["revision"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(created["code"], Is.Null);
            Assert.That(created["data"]!["kind"]!.GetValue<string>(), Is.EqualTo("study"));
            Assert.That(created["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Programų sistemos"));
        });
    }

    [Test]
    public async Task A_programme_goes_from_draft_to_registered_to_a_second_version_to_deregistered()
    {
        var draft = await Owner.CreateAsync(Samples.Study());
        var submitted = await Owner.TransitionOkAsync(draft, "submit");
        Assert.That(submitted["status"]!.GetValue<string>(), Is.EqualTo("submitted"));

        var registered = await Registry.TransitionOkAsync(submitted, "approve", new JsonObject { ["validFrom"] = "2025-09-01" });
        var code = registered["code"]!.GetValue<string>();
        Assert.Multiple(() =>
        {
            Assert.That(registered["status"]!.GetValue<string>(), Is.EqualTo("registered"));
            Assert.That(code, Does.Match("^6121BX[0-9]{3}$"));
            Assert.That(registered["version"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(registered["validFrom"]!.GetValue<string>(), Is.EqualTo("2025-09-01"));
            Assert.That(registered["registeredOn"], Is.Not.Null);
        });

        var changed = Samples.Study("Programų sistemų inžinerija");
        var pending = await ProgrammeClient.ExpectAsync(await Owner.ReplaceAsync(registered, changed), HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(pending["status"]!.GetValue<string>(), Is.EqualTo("registered"));
            Assert.That(pending["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Programų sistemos"), "the registered version stays in force");
            Assert.That(pending["pendingChange"]!["status"]!.GetValue<string>(), Is.EqualTo("draft"));
            Assert.That(pending["pendingChange"]!["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Programų sistemų inžinerija"));
        });

        var pendingSubmitted = await Owner.TransitionOkAsync(pending, "submit");
        var second = await Registry.TransitionOkAsync(pendingSubmitted, "approve", new JsonObject { ["validFrom"] = "2026-09-01" });
        Assert.Multiple(() =>
        {
            Assert.That(second["version"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(second["code"]!.GetValue<string>(), Is.EqualTo(code), "a new version keeps the code");
            Assert.That(second["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Programų sistemų inžinerija"));
            Assert.That(second["pendingChange"], Is.Null);
        });

        var versions = await Owner.Http.GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{draft["id"]}/versions");
        var items = versions!["items"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(items.Select(v => v!["version"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(items[0]!["validTo"]!.GetValue<string>(), Is.EqualTo("2026-08-31"));
            Assert.That(items[0]!["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Programų sistemos"));
            Assert.That(items[1]!["validTo"], Is.Null);
        });

        var deregistered = await Registry.TransitionOkAsync(second, "deregister", new JsonObject { ["reason"] = "provider-request" });
        Assert.Multiple(() =>
        {
            Assert.That(deregistered["status"]!.GetValue<string>(), Is.EqualTo("deregistered"));
            Assert.That(deregistered["deregistrationReason"]!.GetValue<string>(), Is.EqualTo("provider-request"));
            Assert.That(deregistered["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Programų sistemų inžinerija"), "still readable");
        });

        var byCode = await Other.Http.GetFromJsonAsync<JsonObject>($"/api/v1/programmes/by-code/{code}");
        Assert.That(byCode!["id"]!.GetValue<string>(), Is.EqualTo(draft["id"]!.GetValue<string>()));

        var auditPage = await Owner.Http.GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{draft["id"]}/audit?limit=500");
        var audit = auditPage!["items"]!.AsArray();
        Assert.That(audit!.Select(a => a!["action"]!.GetValue<string>()),
            Is.EqualTo(new[] { "create", "submit", "approve", "edit", "submit", "approve", "deregister" }));
        var approval = audit![2]!;
        Assert.Multiple(() =>
        {
            Assert.That(approval["actor"]!.GetValue<string>(), Is.EqualTo("test-person"));
            Assert.That(approval["role"]!.GetValue<string>(), Is.EqualTo("registrar"));
            Assert.That(approval["code"]!.GetValue<string>(), Is.EqualTo(code));
            Assert.That(approval["changes"]!["status"]!["before"]!.GetValue<string>(), Is.EqualTo("submitted"));
            Assert.That(approval["changes"]!["status"]!["after"]!.GetValue<string>(), Is.EqualTo("registered"));
            Assert.That(approval["changes"]!["code"]!["after"]!.GetValue<string>(), Is.EqualTo(code));
            Assert.That(approval["changes"]!["validFrom"]!["after"]!.GetValue<string>(), Is.EqualTo("2025-09-01"));
            Assert.That(audit![5]!["changes"]!["validFrom"]!["after"]!.GetValue<string>(), Is.EqualTo("2026-09-01"));
            Assert.That(approval["requestId"]!.GetValue<string>(), Is.Not.Empty);
            Assert.That(audit![3]!["changes"]!["data.name.lt"]!["after"]!.GetValue<string>(), Is.EqualTo("Programų sistemų inžinerija"));
        });
    }

    [Test]
    public async Task A_programme_is_found_by_an_alias_too()
    {
        var registered = await RegisteredAsync();
        await using (var connection = new Npgsql.NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var alias = new Npgsql.NpgsqlCommand(
                $"INSERT INTO record_aliases (object_type, code, record_id, valid_from, valid_to) VALUES ('programme', '612I10001', '{registered["id"]}', '2009-01-01', '2016-08-31')",
                connection);
            await alias.ExecuteNonQueryAsync();
        }

        var found = await Other.Http.GetFromJsonAsync<JsonObject>("/api/v1/programmes/by-code/612I10001");

        Assert.Multiple(() =>
        {
            Assert.That(found!["id"]!.GetValue<string>(), Is.EqualTo(registered["id"]!.GetValue<string>()));
            Assert.That(found["code"]!.GetValue<string>(), Is.EqualTo(registered["code"]!.GetValue<string>()), "the canonical code is the one shown");
        });
    }

    [Test]
    public async Task A_registrar_returns_a_submission_with_a_comment_the_owner_sees()
    {
        var submitted = await Owner.TransitionOkAsync(await Owner.CreateAsync(Samples.Study()), "submit");

        var returned = await Registry.TransitionOkAsync(submitted, "return", new JsonObject { ["comment"] = "Trūksta studijų rezultatų." });

        Assert.That(returned["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        var seen = await Owner.GetAsync(returned["id"]!.GetValue<string>());
        Assert.That(seen["returnComment"]!.GetValue<string>(), Is.EqualTo("Trūksta studijų rezultatų."));
        var resubmitted = await Owner.TransitionOkAsync(seen, "submit");
        Assert.That(resubmitted["returnComment"], Is.Null, "a new submission clears the comment");
    }

    [Test]
    public async Task A_return_needs_a_comment()
    {
        var submitted = await Owner.TransitionOkAsync(await Owner.CreateAsync(Samples.Study()), "submit");

        var response = await Registry.TransitionAsync(submitted, "return", new JsonObject { ["comment"] = "" });

        await ProblemAssert.IsValidationProblem(response, "comment", "text.required");
    }

    [Test]
    public async Task The_registrar_may_register_a_draft_directly()
    {
        var draft = await new ProgrammeClient(Provider(TestTokens.VetProviderCode)).CreateAsync(Samples.Vocational());

        var registered = await Registry.TransitionOkAsync(draft, "approve");

        Assert.That(registered["code"]!.GetValue<string>(), Does.Match("^M440411[0-9]{2}$"), "VET: M, LTKS 4, ISCED 4, field 0411, two digits");
    }

    [TestCase("approve", "registered")]
    [TestCase("submit", "registered")]
    [TestCase("withdraw", "registered")]
    [TestCase("return", "registered")]
    public async Task Transitions_not_allowed_now_are_a_409_naming_the_status(string action, string status)
    {
        var registered = await RegisteredAsync();
        var client = action is "approve" or "return" ? Registry : Owner;

        var response = await client.TransitionAsync(registered, action, action == "return" ? new JsonObject { ["comment"] = "x" } : null);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(status));
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("lifecycle.not-allowed"));
        });
    }

    [Test]
    public async Task A_submitted_draft_cannot_be_edited_until_withdrawn()
    {
        var submitted = await Owner.TransitionOkAsync(await Owner.CreateAsync(Samples.Study()), "submit");

        var refused = await Owner.ReplaceAsync(submitted, Samples.Study("Kitas"));
        var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("withdraw"));

        var withdrawn = await Owner.TransitionOkAsync(submitted, "withdraw");
        Assert.That((await Owner.ReplaceAsync(withdrawn, Samples.Study("Kitas"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Only_a_never_registered_draft_can_be_deleted()
    {
        var draft = await Owner.CreateAsync(Samples.Study());
        var deleted = await Owner.SendAsync(HttpMethod.Delete, $"/api/v1/programmes/{draft["id"]}", ProgrammeClient.ETag(draft));
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Owner.Http.GetAsync($"/api/v1/programmes/{draft["id"]}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var auditPage = await Owner.Http.GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{draft["id"]}/audit?limit=500");
        var audit = auditPage!["items"]!.AsArray();
        Assert.That(audit!.Select(a => a!["action"]!.GetValue<string>()), Is.EqualTo(new[] { "create", "delete" }), "the audit trail outlives the draft");

        var registered = await RegisteredAsync();
        var refused = await Registry.SendAsync(HttpMethod.Delete, $"/api/v1/programmes/{registered["id"]}", ProgrammeClient.ETag(registered));
        var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("deregistered instead"));
    }

    [Test]
    public async Task A_pending_change_can_be_discarded()
    {
        var registered = await RegisteredAsync();
        var pending = await ProgrammeClient.ExpectAsync(
            await Owner.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{registered["id"]}", ProgrammeClient.ETag(registered),
                Samples.MergePatch(new JsonObject { ["credits"] = 210 })), HttpStatusCode.OK);
        Assert.That(pending["pendingChange"]!["data"]!["credits"]!.GetValue<int>(), Is.EqualTo(210));

        var discarded = await Owner.TransitionOkAsync(pending, "discard-change");

        Assert.Multiple(() =>
        {
            Assert.That(discarded["pendingChange"], Is.Null);
            Assert.That(discarded["data"]!["credits"]!.GetValue<int>(), Is.EqualTo(240));
        });
    }

    [Test]
    public async Task Merge_patch_removes_fields_set_to_null()
    {
        var draft = await Owner.CreateAsync(Samples.Study());

        var patched = await ProgrammeClient.ExpectAsync(
            await Owner.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{draft["id"]}", ProgrammeClient.ETag(draft),
                Samples.MergePatch(new JsonObject { ["summary"] = null, ["name"] = new JsonObject { ["en"] = null } })), HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(patched["data"]!["summary"], Is.Null);
            Assert.That(patched["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Programų sistemos"));
            Assert.That(patched["data"]!["name"]!["en"], Is.Null);
            Assert.That(patched["revision"]!.GetValue<int>(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Deregistration_with_a_successor_needs_a_registered_one_and_equivalence()
    {
        var old = await RegisteredAsync();
        var successor = await RegisteredAsync(Samples.Study("Programų sistemos (nauja)"));

        var missing = await Registry.TransitionAsync(old, "deregister", new JsonObject { ["reason"] = "superseded", ["supersededBy"] = "6121BX999" });
        var problem = await ProblemAssert.IsValidationProblem(missing, "supersededBy", "superseded-by.unknown");
        Assert.That(problem.GetProperty("codes").GetProperty("equivalent")[0].GetString(), Is.EqualTo("value.required"));

        var done = await Registry.TransitionOkAsync(old, "deregister", new JsonObject
        {
            ["reason"] = "superseded",
            ["supersededBy"] = successor["code"]!.GetValue<string>(),
            ["equivalent"] = true,
            ["date"] = "2030-08-31",
        });
        Assert.Multiple(() =>
        {
            Assert.That(done["supersededBy"]!.GetValue<string>(), Is.EqualTo(successor["code"]!.GetValue<string>()));
            Assert.That(done["equivalent"]!.GetValue<bool>(), Is.True);
            Assert.That(done["deregisteredOn"]!.GetValue<string>(), Is.EqualTo("2030-08-31"));
        });
    }

    [Test]
    public async Task A_new_version_must_come_into_force_after_the_previous_one()
    {
        var registered = await RegisteredAsync();
        var pending = await ProgrammeClient.ExpectAsync(await Owner.ReplaceAsync(registered, Samples.Study("Kitas pavadinimas")), HttpStatusCode.OK);

        var response = await Registry.TransitionAsync(pending, "approve", new JsonObject { ["validFrom"] = "2025-01-01" });

        await ProblemAssert.IsValidationProblem(response, "validFrom", "dates.out-of-order");
    }

    [Test]
    public async Task A_provider_requests_deregistration_and_the_registrar_sees_it()
    {
        var registered = await RegisteredAsync();

        var requested = await Owner.TransitionOkAsync(registered, "request-deregistration",
            new JsonObject { ["reason"] = "provider-request", ["comment"] = "Programa nebevykdoma." });

        var seen = await Registry.GetAsync(requested["id"]!.GetValue<string>());
        Assert.Multiple(() =>
        {
            Assert.That(seen["deregistrationRequest"]!["reason"]!.GetValue<string>(), Is.EqualTo("provider-request"));
            Assert.That(seen["status"]!.GetValue<string>(), Is.EqualTo("registered"));
        });
        var foreign = await new ProgrammeClient(Provider(TestTokens.OtherProviderCode)).GetAsync(requested["id"]!.GetValue<string>());
        Assert.That(foreign["deregistrationRequest"], Is.Null, "another provider sees the public record only");
    }
}
