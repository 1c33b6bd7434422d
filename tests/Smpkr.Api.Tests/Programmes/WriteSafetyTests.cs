using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Smpkr.Api.Data;
using Smpkr.Api.Register;

namespace Smpkr.Api.Tests.Programmes;

/// <summary>Optimistic concurrency, central code allocation, idempotent pushes and the append-only audit log.</summary>
public sealed class WriteSafetyTests : ProgrammeTest
{
    [Test]
    public async Task A_write_without_if_match_is_428_and_changes_nothing()
    {
        var draft = await Owner.CreateAsync(Samples.Study());

        var response = await Owner.SendAsync(HttpMethod.Put, $"/api/v1/programmes/{draft["id"]}", null, Samples.Json(Samples.Study("Kitas")));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.PreconditionRequired);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("\"1\""));
        Assert.That((await Owner.GetAsync(draft["id"]!.GetValue<string>()))["revision"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_write_with_a_stale_if_match_is_412_and_changes_nothing()
    {
        var draft = await Owner.CreateAsync(Samples.Study());
        var edited = await ProgrammeClient.ExpectAsync(await Owner.ReplaceAsync(draft, Samples.Study("Pirmas")), HttpStatusCode.OK);

        var response = await Owner.ReplaceAsync(draft, Samples.Study("Antras"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.PreconditionFailed);
        var current = await Owner.GetAsync(draft["id"]!.GetValue<string>());
        Assert.Multiple(() =>
        {
            Assert.That(current["revision"]!.GetValue<int>(), Is.EqualTo(edited["revision"]!.GetValue<int>()));
            Assert.That(current["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Pirmas"));
        });
    }

    [TestCase("1")]
    [TestCase("W/\"1\"")]
    [TestCase("\"one\"")]
    public async Task A_malformed_if_match_is_400_and_changes_nothing(string ifMatch)
    {
        var draft = await Owner.CreateAsync(Samples.Study());
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/programmes/{draft["id"]}/submit");
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);

        var response = await Owner.Http.SendAsync(request);

        await ProblemAssert.IsValidationProblem(response, "If-Match", "if-match.malformed");
        Assert.That((await Owner.GetAsync(draft["id"]!.GetValue<string>()))["status"]!.GetValue<string>(), Is.EqualTo("draft"));
    }

    [Test]
    public async Task Eight_clients_editing_one_record_lose_no_update()
    {
        const int Clients = 8;
        const int Rounds = 20;
        var draft = await Owner.CreateAsync(Samples.Study());
        var id = draft["id"]!.GetValue<string>();
        var losers = new ConcurrentBag<HttpStatusCode>();
        var successes = 0;

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            var http = Provider();
            for (var round = 0; round < Rounds; round++)
            {
                while (true)
                {
                    var current = await http.GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{id}");
                    var patch = new JsonObject { ["credits"] = 1 + (client * Rounds) + round };
                    var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/programmes/{id}") { Content = Samples.MergePatch(patch) };
                    request.Headers.IfMatch.ParseAdd(ProgrammeClient.ETag(current!));
                    var response = await http.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref successes);
                        break;
                    }

                    losers.Add(response.StatusCode);
                }
            }
        }));

        var final = await Owner.GetAsync(id);
        Assert.Multiple(() =>
        {
            Assert.That(successes, Is.EqualTo(Clients * Rounds));
            Assert.That(final["revision"]!.GetValue<int>(), Is.EqualTo(1 + successes), "every successful write, and only those, counted");
            Assert.That(losers.Distinct(), Is.SubsetOf(new[] { HttpStatusCode.PreconditionFailed }), "every loser got 412");
        });
        var auditPage = await Owner.Http.GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{id}/audit?limit=500");
        var audit = auditPage!["items"]!.AsArray();
        Assert.That(audit!.Count(a => a!["action"]!.GetValue<string>() == "edit"), Is.EqualTo(Clients * Rounds));
    }

    [Test]
    public async Task Twenty_approvals_at_once_get_twenty_distinct_codes()
    {
        var submitted = new List<JsonObject>();
        for (var i = 0; i < 20; i++)
        {
            submitted.Add(await Owner.TransitionOkAsync(await Owner.CreateAsync(Samples.Study($"Programa {i}", "L", "L01")), "submit"));
        }

        var approved = await Task.WhenAll(submitted.Select(record => new ProgrammeClient(Registrar()).TransitionOkAsync(record, "approve")));

        var codes = approved.Select(r => r["code"]!.GetValue<string>()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(codes, Is.Unique);
            Assert.That(codes, Has.All.Match("^6121LX[0-9]{3}$"));
        });
    }

    [Test]
    public async Task A_retried_create_with_the_same_key_replays_and_creates_nothing_new()
    {
        var before = await CountAsync();
        var body = Samples.Study("Pakartotinis siuntimas");

        var first = await PostWithKeyAsync("key-create-1", body);
        var second = await PostWithKeyAsync("key-create-1", body);

        var created = await ProgrammeClient.ExpectAsync(first, HttpStatusCode.Created);
        var replayed = await ProgrammeClient.ExpectAsync(second, HttpStatusCode.Created);
        Assert.Multiple(async () =>
        {
            Assert.That(replayed.ToJsonString(), Is.EqualTo(created.ToJsonString()));
            Assert.That(second.Headers.Location, Is.EqualTo(first.Headers.Location));
            Assert.That(second.Headers.ETag, Is.EqualTo(first.Headers.ETag));
            Assert.That(second.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
            Assert.That(await CountAsync(), Is.EqualTo(before + 1));
        });
    }

    [Test]
    public async Task The_same_key_with_another_body_is_422()
    {
        await ProgrammeClient.ExpectAsync(await PostWithKeyAsync("key-create-2", Samples.Study("Vienas")), HttpStatusCode.Created);
        var before = await CountAsync();

        var response = await PostWithKeyAsync("key-create-2", Samples.Study("Kitas"));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("idempotency-key.reused"));
        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_key_may_be_used_again_after_24_hours()
    {
        await ProgrammeClient.ExpectAsync(await PostWithKeyAsync("key-create-old", Samples.Study("Sena")), HttpStatusCode.Created);
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var age = new NpgsqlCommand("UPDATE idempotent_responses SET created_at = now() - interval '25 hours' WHERE key = 'key-create-old'", connection);
            Assert.That(await age.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        var again = await PostWithKeyAsync("key-create-old", Samples.Study("Nauja"));

        var created = await ProgrammeClient.ExpectAsync(again, HttpStatusCode.Created);
        Assert.That(created["data"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Nauja"));
    }

    [Test]
    public async Task Expired_first_responses_are_purged_and_fresh_ones_kept()
    {
        await ProgrammeClient.ExpectAsync(await PostWithKeyAsync("key-purge-old", Samples.Study("Pasenęs atsakymas")), HttpStatusCode.Created);
        await ProgrammeClient.ExpectAsync(await PostWithKeyAsync("key-purge-fresh", Samples.Study("Šviežias atsakymas")), HttpStatusCode.Created);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var age = new NpgsqlCommand("UPDATE idempotent_responses SET created_at = now() - interval '25 hours' WHERE key = 'key-purge-old'", connection))
        {
            Assert.That(await age.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var deleted = await IdempotencyPurge.PurgeAsync(scope.ServiceProvider.GetRequiredService<SmpkrDbContext>(), TimeProvider.System, CancellationToken.None);
            Assert.That(deleted, Is.GreaterThanOrEqualTo(1));
        }

        await using var keys = new NpgsqlCommand("SELECT key FROM idempotent_responses WHERE key LIKE 'key-purge-%'", connection);
        var left = new List<string>();
        await using (var reader = await keys.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                left.Add(reader.GetString(0));
            }
        }

        Assert.That(left, Is.EqualTo(new[] { "key-purge-fresh" }));
    }

    [Test]
    public async Task Concurrent_first_tries_with_one_key_create_one_record()
    {
        var before = await CountAsync();
        var body = Samples.Study("Lygiagretus siuntimas");

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostWithKeyAsync("key-create-3", body)));

        Assert.That(responses.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.Created));
        Assert.That(responses.Select(r => r.Headers.Location).Distinct().Count(), Is.EqualTo(1));
        Assert.That(await CountAsync(), Is.EqualTo(before + 1));
    }

    [Test]
    public async Task A_retried_transition_with_a_key_replays_instead_of_failing()
    {
        var draft = await Owner.CreateAsync(Samples.Study());
        async Task<HttpResponseMessage> SubmitAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/programmes/{draft["id"]}/submit");
            request.Headers.IfMatch.ParseAdd(ProgrammeClient.ETag(draft));
            request.Headers.Add("Idempotency-Key", "submit-1");
            return await Owner.Http.SendAsync(request);
        }

        var first = await SubmitAsync();
        var retry = await SubmitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the retry replays; without the key it would be a 412");
            Assert.That(retry.Headers.ETag, Is.EqualTo(first.Headers.ETag));
        });
    }

    [Test]
    public async Task The_audit_log_cannot_be_altered_with_the_services_own_connection()
    {
        await RegisteredAsync();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();

        async Task<PostgresException?> TryAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            try
            {
                await command.ExecuteNonQueryAsync();
                return null;
            }
            catch (PostgresException e)
            {
                return e;
            }
        }

        var update = await TryAsync("UPDATE audit_entries SET actor_subject = 'someone-else'");
        var delete = await TryAsync("DELETE FROM audit_entries");
        var truncate = await TryAsync("TRUNCATE audit_entries");
        var rewriteVersion = await TryAsync("UPDATE record_versions SET content = '{}'");
        Assert.Multiple(() =>
        {
            Assert.That(update?.MessageText, Does.Contain("append-only"));
            Assert.That(delete?.MessageText, Does.Contain("append-only"));
            Assert.That(truncate?.MessageText, Does.Contain("append-only"));
            Assert.That(rewriteVersion?.MessageText, Does.Contain("append-only"));
        });
        await using var count = new NpgsqlCommand("SELECT count(*) FROM audit_entries WHERE actor_subject = 'someone-else'", connection);
        Assert.That(await count.ExecuteScalarAsync(), Is.EqualTo(0L));
    }

    private Task<HttpResponseMessage> PostWithKeyAsync(string key, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/programmes") { Content = Samples.Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        return Provider().SendAsync(request);
    }
}
