using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Smpkr.Api.Publication;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Publication;

public sealed class OpenDataTests : ProgrammeTest
{
    private const string Secret = "SLAPTAS-JUODRASTIS";

    private async Task<JsonObject> FeedAsync(string query = "") =>
        (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/changes?limit=1000{query}"))!;

    private static List<JsonObject> Items(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!.AsObject())];

    [Test]
    public async Task Each_lifecycle_event_appears_once_in_commit_order_with_the_full_record()
    {
        var before = long.Parse((await FeedAsync())["head"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var draft = await Owner.CreateAsync(Samples.Study("Duomenų mokslas"));
        var submitted = await Owner.TransitionOkAsync(draft, "submit");
        Assert.That(Items(await FeedAsync($"&after={before}")), Is.Empty, "drafts and submissions are not published");

        var registered = await Registry.TransitionOkAsync(submitted, "approve", new JsonObject { ["validFrom"] = "2025-09-01" });
        var code = registered["code"]!.GetValue<string>();
        var edited = await ProgrammeClient.ExpectAsync(
            await Owner.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{registered["id"]}", ProgrammeClient.ETag(registered),
                Samples.MergePatch(new JsonObject { ["credits"] = 210 })), HttpStatusCode.OK);
        var pending = await Owner.TransitionOkAsync(edited, "submit");
        Assert.That(Items(await FeedAsync($"&after={before}")), Has.Count.EqualTo(1), "a pending change is not published");

        var changed = await Registry.TransitionOkAsync(pending, "approve", new JsonObject { ["validFrom"] = "2026-09-01" });
        var recoded = await Registry.TransitionOkAsync(changed, "recode", new JsonObject { ["code"] = "6121BX777", ["validFrom"] = "2030-01-01" });
        await Registry.TransitionOkAsync(recoded, "deregister", new JsonObject { ["reason"] = "provider-request" });

        var entries = Items(await FeedAsync($"&after={before}"));
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e["op"]!.GetValue<string>()), Is.EqualTo(new[] { "registered", "changed", "recoded", "deregistered" }));
            Assert.That(entries.Select(e => long.Parse(e["cursor"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)),
                Is.EqualTo(Enumerable.Range(1, 4).Select(i => before + i)), "cursors are consecutive");
            Assert.That(entries.Select(e => e["version"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2, 2, 2 }));
            Assert.That(entries[0]["code"]!.GetValue<string>(), Is.EqualTo(code));
            Assert.That(entries[0]["record"]!["credits"]!.GetValue<int>(), Is.EqualTo(240));
            Assert.That(entries[1]["record"]!["credits"]!.GetValue<int>(), Is.EqualTo(210));
            Assert.That(entries[1]["record"]!["validFrom"]!.GetValue<string>(), Is.EqualTo("2026-09-01"));
            Assert.That(entries[2]["code"]!.GetValue<string>(), Is.EqualTo("6121BX777"));
            Assert.That(entries[2]["previousCode"]!.GetValue<string>(), Is.EqualTo(code));
            Assert.That(entries[2]["record"]!["aliases"]![0]!["code"]!.GetValue<string>(), Is.EqualTo(code));
            Assert.That(entries[3]["record"]!["status"]!.GetValue<string>(), Is.EqualTo("deregistered"));
            Assert.That(entries[3]["record"]!["deregistrationReason"]!.GetValue<string>(), Is.EqualTo("provider-request"));
        });

        var patches = Items(await FeedAsync($"&after={before}&view=patch"));
        Assert.Multiple(() =>
        {
            Assert.That(patches[1]["patch"]!["credits"]!.GetValue<int>(), Is.EqualTo(210));
            Assert.That(patches[1]["patch"]!.AsObject().ContainsKey("name"), Is.False, "a patch holds only what changed");
            Assert.That(patches[3]["patch"]!["status"]!.GetValue<string>(), Is.EqualTo("deregistered"));
        });
    }

    [Test]
    public async Task Nothing_unpublished_leaves_through_any_open_endpoint_or_format()
    {
        // A draft, a returned submission with a comment, and a registered programme with a pending change, all marked.
        await Owner.CreateAsync(Samples.Study(Secret + " juodraštis"));
        var returned = await Owner.TransitionOkAsync(await Owner.CreateAsync(Samples.Study(Secret + " grąžinta")), "submit");
        await Registry.TransitionOkAsync(returned, "return", new JsonObject { ["comment"] = Secret + " komentaras" });
        var registered = await RegisteredAsync(Samples.Study("Viešoji programa"));
        var pending = await ProgrammeClient.ExpectAsync(
            await Owner.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{registered["id"]}", ProgrammeClient.ETag(registered),
                Samples.MergePatch(new JsonObject { ["name"] = new JsonObject { ["lt"] = Secret + " keitimas" } })), HttpStatusCode.OK);
        await Owner.TransitionOkAsync(pending, "submit");
        var code = registered["code"]!.GetValue<string>();
        var id = registered["id"]!.GetValue<string>();

        var bodies = new List<string>();
        foreach (var url in OpenUrls(code))
        {
            foreach (var format in url.Contains("status", StringComparison.Ordinal) ? ["json"] : (string[])["json", "jsonl", "csv"])
            {
                var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
                using var response = await Anonymous().GetAsync(url.Contains("status", StringComparison.Ordinal) ? url : $"{url}{separator}format={format}");
                if (response.StatusCode == HttpStatusCode.BadRequest && url.Contains("snapshot", StringComparison.Ordinal))
                {
                    continue; // a JSON snapshot or a CSV of several types is refused, nothing to leak
                }

                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{url} {format}");
                bodies.Add(await response.Content.ReadAsStringAsync());
            }
        }

        Assert.That(bodies, Has.Count.GreaterThan(20));
        foreach (var body in bodies)
        {
            Assert.Multiple(() =>
            {
                Assert.That(body, Does.Not.Contain(Secret));
                Assert.That(body, Does.Not.Contain(id), "internal ids stay inside");
                Assert.That(body, Does.Not.Contain("revision").And.Not.Contain("returnComment").And.Not.Contain("pendingChange"));
                Assert.That(body, Does.Not.Contain("test-person"), "people who acted stay inside");
            });
        }
    }

    [Test]
    public async Task Every_field_of_every_open_response_is_on_the_allow_list()
    {
        var registered = await RegisteredAsync();
        await Registry.TransitionOkAsync(registered, "recode", new JsonObject { ["code"] = "6121BX778", ["validFrom"] = "2030-01-01" });
        var code = registered["code"]!.GetValue<string>();
        var allowed = PublishedFields.Types.ToDictionary(t => t.Type, t => PublishedFields.Paths(t.Type));

        var records = new List<JsonObject>();
        foreach (var url in OpenUrls(code).Where(u => !u.Contains("snapshot", StringComparison.Ordinal) && !u.Contains("status", StringComparison.Ordinal)))
        {
            var body = JsonNode.Parse(await Anonymous().GetStringAsync(url))!.AsObject();
            foreach (var (name, _) in body)
            {
                Assert.That(PublishedFields.Protocol.Contains(name) || allowed["programme"].Contains(name), $"{url}: member '{name}'");
            }

            records.AddRange(Records(body));
        }

        foreach (var line in (await Anonymous().GetStringAsync("/open/v1/snapshot")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            records.Add(JsonNode.Parse(line)!.AsObject());
        }

        Assert.That(records.Select(r => r["type"]!.GetValue<string>()).Distinct(), Is.SupersetOf(new[] { "programme" }));
        foreach (var record in records)
        {
            var type = record["type"]!.GetValue<string>();
            foreach (var path in PathsOf(record, string.Empty))
            {
                Assert.That(allowed[type], Does.Contain(path), $"{type} {record["code"]}: '{path}' is not declared public");
            }
        }
    }

    [Test]
    public async Task Open_search_finds_published_records_by_words_without_diacritics_but_never_drafts_or_pending_changes()
    {
        await Owner.CreateAsync(Samples.Study("Kvantinė kriptografija juodraštyje"));
        var registered = await RegisteredAsync(Samples.Study("Kvantinė informatika"));
        var pending = await ProgrammeClient.ExpectAsync(
            await Owner.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{registered["id"]}", ProgrammeClient.ETag(registered),
                Samples.MergePatch(new JsonObject { ["name"] = new JsonObject { ["lt"] = "Kvantinė alchemija" } })), HttpStatusCode.OK);
        await Owner.TransitionOkAsync(pending, "submit");

        var found = (await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/programmes?q=kvantine&total=true&facets=fieldGroup"))!;
        var draftWords = (await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/programmes?q=kriptografija&total=true"))!;
        var pendingWords = (await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/programmes?q=alchemija&total=true"))!;
        Assert.Multiple(() =>
        {
            Assert.That(found["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()), Is.EqualTo(new[] { registered["code"]!.GetValue<string>() }));
            Assert.That(found["items"]![0]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Kvantinė informatika"), "the registered version, not the pending change");
            Assert.That(found["total"]!.GetValue<long>(), Is.EqualTo(1));
            Assert.That(found["facets"]!["fieldGroup"]![0]!["count"]!.GetValue<long>(), Is.EqualTo(1));
            Assert.That(draftWords["total"]!.GetValue<long>(), Is.Zero, "drafts are not searchable in open data");
            Assert.That(pendingWords["total"]!.GetValue<long>(), Is.Zero, "nor are the words of a pending change");
        });
    }

    [Test]
    public async Task Head_on_a_published_record_answers_its_headers_without_the_body()
    {
        var registered = await RegisteredAsync();
        using var get = await Anonymous().GetAsync($"/open/v1/programmes/{registered["code"]}");
        using var head = await Anonymous().SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/open/v1/programmes/{registered["code"]}"));
        var body = await head.Content.ReadAsByteArrayAsync();
        Assert.Multiple(() =>
        {
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(head.Headers.ETag, Is.EqualTo(get.Headers.ETag));
            Assert.That(body, Is.Empty);
        });
    }

    [Test]
    public async Task Without_q_open_lists_walk_by_code()
    {
        await RegisteredAsync(Samples.Study("Pirmoji"));
        await RegisteredAsync(Samples.Study("Antroji"));
        var codes = new List<string>();
        for (string? next = "/open/v1/programmes?limit=2"; next is not null;)
        {
            var page = (await Anonymous().GetFromJsonAsync<JsonObject>(next))!;
            codes.AddRange(page["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()));
            next = page["next"]?.GetValue<string>();
        }

        Assert.That(codes, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(codes, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(codes, Is.Unique);
    }

    [Test]
    public async Task Renaming_a_provider_republishes_its_records_and_a_freelance_teacher_stays_unnamed()
    {
        var registered = await RegisteredAsync();
        var code = registered["code"]!.GetValue<string>();
        var head = (await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/status"))!["head"]!.GetValue<string>();
        using var read = await Registrar().GetAsync($"/api/v1/providers/{TestTokens.ProviderCode}");
        var provider = (await read.Content.ReadFromJsonAsync<JsonObject>())!;
        var input = new JsonObject
        {
            ["codeType"] = provider["codeType"]!.DeepClone(),
            ["name"] = new JsonObject { ["lt"] = "Pervadintas universitetas", ["en"] = "Renamed University" },
            ["type"] = provider["type"]!.DeepClone(),
            ["kinds"] = provider["kinds"]!.DeepClone(),
        };

        async Task<JsonObject> PutAsync(JsonObject body, EntityTagHeaderValue etag)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/providers/{TestTokens.ProviderCode}") { Content = Samples.Json(body) };
            request.Headers.IfMatch.Add(etag);
            using var response = await Registrar().SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        }

        await PutAsync(input, read.Headers.ETag!);
        var renamed = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}"))!;
        var entries = Items(await FeedAsync($"&after={head}"));
        Assert.Multiple(() =>
        {
            Assert.That(renamed["provider"]!["name"]!["lt"]!.GetValue<string>(), Is.EqualTo("Pervadintas universitetas"));
            Assert.That(entries.Where(e => e["code"]!.GetValue<string>() == code).Select(e => e["op"]!.GetValue<string>()), Is.EqualTo(new[] { "changed" }));
            Assert.That(entries.All(e => e["record"]!["provider"]!["code"]!.GetValue<string>() == TestTokens.ProviderCode), Is.True);
        });

        input["type"] = "freelance-teacher";
        using var again = await Registrar().GetAsync($"/api/v1/providers/{TestTokens.ProviderCode}");
        await PutAsync(input, again.Headers.ETag!);
        var person = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}"))!;
        Assert.That(person["provider"]!.ToJsonString(), Is.EqualTo("{\"type\":\"freelance-teacher\"}"), "a person's name and code are not published");
    }

    [Test]
    public async Task An_alias_answers_with_the_canonical_record_and_says_so()
    {
        var registered = await RegisteredAsync();
        var oldCode = registered["code"]!.GetValue<string>();
        await Registry.TransitionOkAsync(registered, "recode", new JsonObject { ["code"] = "6121BX779", ["validFrom"] = "2030-01-01" });

        using var byAlias = await Anonymous().GetAsync($"/open/v1/programmes/{oldCode}");
        var record = (await byAlias.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Multiple(() =>
        {
            Assert.That(byAlias.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(record["code"]!.GetValue<string>(), Is.EqualTo("6121BX779"));
            Assert.That(record["requestedCode"]!.GetValue<string>(), Is.EqualTo(oldCode));
            Assert.That(byAlias.Headers.GetValues("Link").Single(), Is.EqualTo("</open/v1/programmes/6121BX779>; rel=\"canonical\""));
        });
        using var missing = await Anonymous().GetAsync("/open/v1/programmes/NOSUCHCODE");
        await ProblemAssert.IsProblem(missing, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_record_and_a_list_read_the_same_in_every_format()
    {
        var registered = await RegisteredAsync(Samples.Study("Kabutės \"ir\" lietuviškos raidės ąčęėįšųūž"));
        var oldCode = registered["code"]!.GetValue<string>();
        await Registry.TransitionOkAsync(registered, "recode", new JsonObject { ["code"] = "6121BX781", ["validFrom"] = "2030-01-01" });

        foreach (var code in new[] { "6121BX781", oldCode })
        {
            var json = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}"))!;
            using var jsonl = await Anonymous().GetAsync($"/open/v1/programmes/{code}?format=jsonl");
            var text = await jsonl.Content.ReadAsStringAsync();
            var rows = Csv.Parse(await Anonymous().GetStringAsync($"/open/v1/programmes/{code}?format=csv"));
            var row = rows[0].Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
            Assert.Multiple(() =>
            {
                Assert.That(jsonl.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/x-ndjson"));
                Assert.That(text, Does.EndWith("\n").And.Not.Contain("\n{"), "one record, one line");
                Assert.That(JsonNode.DeepEquals(JsonNode.Parse(text), json), Is.True, $"{code}: JSON Lines is the JSON record");
                Assert.That(json["requestedCode"]?.GetValue<string>(), Is.EqualTo(code == oldCode ? oldCode : null));
                Assert.That(rows, Has.Count.EqualTo(2));
                Assert.That(row["code"], Is.EqualTo("6121BX781"));
                Assert.That(row["name_lt"], Is.EqualTo("Kabutės \"ir\" lietuviškos raidės ąčęėįšųūž"));
            });
        }

        var items = (await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/programmes?limit=500"))!["items"]!.AsArray();
        var lines = (await Anonymous().GetStringAsync("/open/v1/programmes?limit=500&format=jsonl")).Split('\n');
        Assert.That(lines[^1], Is.Empty, "every line ends with a newline");
        Assert.That(lines[..^1].Select(l => JsonNode.Parse(l)!.ToJsonString()), Is.EqualTo(items.Select(i => i!.ToJsonString())));

        foreach (var view in new[] { "record", "patch" })
        {
            var entries = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/changes?limit=1000&view={view}"))!["items"]!.AsArray();
            var feedLines = (await Anonymous().GetStringAsync($"/open/v1/changes?limit=1000&view={view}&format=jsonl")).Split('\n');
            Assert.That(entries, Has.Count.GreaterThanOrEqualTo(2));
            Assert.That(feedLines[^1], Is.Empty, "every line ends with a newline");
            Assert.That(feedLines[..^1].Select(l => JsonNode.Parse(l)!.ToJsonString()), Is.EqualTo(entries.Select(e => e!.ToJsonString())), view);
        }
    }

    [Test]
    public async Task A_long_record_is_kept_in_the_feed_inline_and_served_whole()
    {
        // About 4 KB of UTF-8: past the 2 KB at which PostgreSQL would compress it (and this repetitive text compresses well).
        var text = string.Concat(Enumerable.Repeat("Ilgas programos aprašymas su lietuviškomis raidėmis ąčęėįšųūž. ", 60)).TrimEnd();
        var input = Samples.Study("Ilga programa");
        input["summary"] = new JsonObject { ["general"] = new JsonObject { ["lt"] = text } };
        var code = (await RegisteredAsync(input))["code"]!.GetValue<string>();

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT octet_length(content::text), pg_column_compression(content) FROM feed_entries WHERE code = $1", connection);
        command.Parameters.Add(new() { Value = code });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        var (length, compression) = (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        var record = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}"))!;
        Assert.Multiple(() =>
        {
            Assert.That(length, Is.GreaterThan(4000));
            Assert.That(compression, Is.Null, "stored as written: no decompression on every feed read");
            Assert.That(record["summary"]!["general"]!["lt"]!.GetValue<string>(), Is.EqualTo(text));
        });
    }

    [Test]
    public async Task AsOf_and_validAt_answer_what_was_published_then_and_what_was_in_force()
    {
        var registered = await RegisteredAsync();
        var code = registered["code"]!.GetValue<string>();
        var first = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}"))!;
        var between = DateTimeOffset.Parse(first["publishedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).AddMilliseconds(1);
        await Task.Delay(20);
        var edited = await ProgrammeClient.ExpectAsync(
            await Owner.SendAsync(HttpMethod.Patch, $"/api/v1/programmes/{registered["id"]}", ProgrammeClient.ETag(registered),
                Samples.MergePatch(new JsonObject { ["credits"] = 210 })), HttpStatusCode.OK);
        await Registry.TransitionOkAsync(edited, "approve", new JsonObject { ["validFrom"] = "2027-09-01" });

        var asOf = Uri.EscapeDataString(between.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var then = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}?asOf={asOf}"))!;
        var inForce2026 = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}?validAt=2026-06-01"))!;
        var inForce2028 = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}?validAt=2028-01-01"))!;
        var both = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}?asOf={asOf}&validAt=2028-01-01"))!;
        var versions = (await Anonymous().GetFromJsonAsync<JsonObject>($"/open/v1/programmes/{code}/versions"))!["versions"]!.AsArray();
        var listThen = new JsonArray();
        for (string? next = $"/open/v1/programmes?asOf={asOf}&limit=100"; next is not null;)
        {
            var page = (await Anonymous().GetFromJsonAsync<JsonObject>(next))!;
            foreach (var item in page["items"]!.AsArray())
            {
                listThen.Add(item!.DeepClone());
            }

            next = page["next"]?.GetValue<string>();
        }

        using var before = await Anonymous().GetAsync($"/open/v1/programmes/{code}?asOf=2000-01-01T00:00:00Z");
        Assert.Multiple(() =>
        {
            Assert.That(then["version"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(inForce2026["credits"]!.GetValue<int>(), Is.EqualTo(240));
            Assert.That(inForce2028["credits"]!.GetValue<int>(), Is.EqualTo(210));
            Assert.That(both["version"]!.GetValue<int>(), Is.EqualTo(1), "at that moment version 2 did not exist yet");
            Assert.That(versions.Select(v => v!["version"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(versions[0]!["validTo"]!.GetValue<string>(), Is.EqualTo("2027-08-31"));
            Assert.That(listThen.Single(r => r!["code"]!.GetValue<string>() == code)!["version"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task Every_get_has_a_strong_etag_and_if_none_match_gets_304_until_something_changes()
    {
        var registered = await RegisteredAsync();
        var code = registered["code"]!.GetValue<string>();
        string[] more = ["/open/v1/catalog", "/open/v1/classifiers", "/open/v1/classifiers/KL_KALBOS", "/open/v1/classifiers/KL_KALBOS/items/lt"];
        foreach (var url in OpenUrls(code).Concat(more))
        {
            using var first = await Anonymous().GetAsync(url);
            var etag = first.Headers.ETag;
            Assert.That(etag, Is.Not.Null, url);
            Assert.That(etag!.IsWeak, Is.False, url);
            Assert.That(first.Headers.CacheControl?.Public, Is.True, url);
            using var again = new HttpRequestMessage(HttpMethod.Get, url);
            again.Headers.IfNoneMatch.Add(etag);
            using var notModified = await Anonymous().SendAsync(again);
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified), url);
        }

        using var list = await Anonymous().GetAsync("/open/v1/programmes");
        await RegisteredAsync(Samples.Study("Dar viena"));
        using var afterChange = new HttpRequestMessage(HttpMethod.Get, "/open/v1/programmes");
        afterChange.Headers.IfNoneMatch.Add(list.Headers.ETag!);
        using var changed = await Anonymous().SendAsync(afterChange);
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(changed.Headers.ETag, Is.Not.EqualTo(list.Headers.ETag));
    }

    [Test]
    public async Task Csv_parses_back_to_the_json_values()
    {
        await RegisteredAsync(Samples.Study("Kabutės \"ir\", kableliai"));
        var json = (await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/programmes?limit=500"))!["items"]!.AsArray();
        using var csvResponse = await Anonymous().GetAsync("/open/v1/programmes?limit=500&format=csv");
        Assert.That(csvResponse.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        var rows = Csv.Parse(await csvResponse.Content.ReadAsStringAsync());
        var header = rows[0];
        Assert.That(rows, Has.Count.EqualTo(json.Count + 1));
        for (var i = 0; i < json.Count; i++)
        {
            var row = header.Zip(rows[i + 1]).ToDictionary(p => p.First, p => p.Second);
            var record = json[i]!;
            Assert.Multiple(() =>
            {
                Assert.That(row["code"], Is.EqualTo(record["code"]!.GetValue<string>()));
                Assert.That(row["name_lt"], Is.EqualTo(record["name"]!["lt"]!.GetValue<string>()));
                Assert.That(row["name_en"], Is.EqualTo(record["name"]!["en"]?.GetValue<string>() ?? string.Empty));
                Assert.That(row["credits"], Is.EqualTo(record["credits"]?.ToJsonString() ?? string.Empty));
                Assert.That(row["languages"], Is.EqualTo(string.Join(';', record["languages"]?.AsArray().Select(l => l!.GetValue<string>()) ?? [])));
            });
        }
    }

    [Test]
    public async Task The_snapshot_is_stamped_with_its_cursor_and_streams_gzip_when_asked()
    {
        await RegisteredAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/open/v1/snapshot?types=programme");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await Anonymous().SendAsync(request);
        Assert.That(response.Content.Headers.ContentEncoding, Does.Contain("gzip"));
        await using var unzipped = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var lines = (await new StreamReader(unzipped).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var status = (await Anonymous().GetFromJsonAsync<JsonObject>("/open/v1/status"))!;
        Assert.Multiple(() =>
        {
            Assert.That(JsonNode.Parse(lines[0])!["feedCursor"]!.GetValue<string>(), Is.EqualTo(response.Headers.GetValues("Feed-Cursor").Single()));
            Assert.That(response.Headers.GetValues("Feed-Cursor").Single(), Is.EqualTo(status["head"]!.GetValue<string>()));
            Assert.That(lines.Length - 1, Is.EqualTo(status["counts"]!["programme"]!["total"]!.GetValue<long>()));
        });

        using var csv = await Anonymous().GetAsync("/open/v1/snapshot?types=programmes&format=csv");
        var rows = Csv.Parse(await csv.Content.ReadAsStringAsync());
        Assert.That(rows[0][0], Is.EqualTo("feed_cursor"));
        Assert.That(rows.Skip(1).Select(r => r[0]).Distinct().Single(), Is.EqualTo(status["head"]!.GetValue<string>()));
    }

    [TestCase("/open/v1/changes?after=abc", "after", "cursor.invalid")]
    [TestCase("/open/v1/changes?after=-1", "after", "cursor.invalid")]
    [TestCase("/open/v1/changes?after=99999999999", "after", "cursor.ahead")]
    [TestCase("/open/v1/changes?types=diplomas", "types", "filter.unknown-value")]
    [TestCase("/open/v1/changes?view=full", "view", "view.unknown")]
    [TestCase("/open/v1/changes?limit=0", "limit", "limit.out-of-range")]
    [TestCase("/open/v1/changes?limit=100000", "limit", "limit.out-of-range")]
    [TestCase("/open/v1/programmes?cursor=%27%3B%20DROP%20TABLE", "cursor", "cursor.invalid")]
    [TestCase("/open/v1/programmes?format=xml", "format", "format.unknown")]
    [TestCase("/open/v1/programmes?kind=university", "kind", "filter.unknown-value")]
    [TestCase("/open/v1/programmes?status=draft", "status", "filter.unknown-value")]
    [TestCase("/open/v1/programmes?asOf=2026-01-01T00:00:00Z&q=informatika", "q", "query.not-with-history")]
    [TestCase("/open/v1/snapshot?format=json", "format", "format.not-offered")]
    [TestCase("/open/v1/snapshot?format=csv", "types", "types.one-for-csv")]
    public async Task Bad_parameters_are_400_problems_naming_them(string url, string parameter, string code)
    {
        using var response = await Anonymous().GetAsync(url);
        await ProblemAssert.IsValidationProblem(response, parameter, code);
    }

    private static IEnumerable<string> OpenUrls(string code) =>
    [
        "/open/v1/programmes",
        "/open/v1/programmes?status=registered&kind=study",
        $"/open/v1/programmes/{code}",
        $"/open/v1/programmes/{code}/versions",
        $"/open/v1/programmes/{code}?validAt=2030-01-01",
        "/open/v1/changes",
        "/open/v1/changes?view=patch",
        "/open/v1/snapshot",
        "/open/v1/snapshot?types=programme",
        "/open/v1/status",
    ];

    private static IEnumerable<JsonObject> Records(JsonObject body)
    {
        if (body["items"] is JsonArray items)
        {
            foreach (var item in items.Select(i => i!.AsObject()))
            {
                if (item["record"] is JsonObject record)
                {
                    yield return record;
                }
                else if (!item.ContainsKey("patch"))
                {
                    yield return item;
                }
            }
        }
        else if (body["versions"] is JsonArray versions)
        {
            foreach (var version in versions)
            {
                yield return version!["record"]!.AsObject();
            }
        }
        else
        {
            var copy = body.DeepClone().AsObject();
            copy.Remove("requestedCode");
            yield return copy;
        }
    }

    private static IEnumerable<string> PathsOf(JsonNode node, string prefix)
    {
        switch (node)
        {
            case JsonObject members:
                foreach (var (name, value) in members)
                {
                    var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
                    yield return path;
                    if (value is not null)
                    {
                        foreach (var inner in PathsOf(value, path))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray items:
                foreach (var item in items.Where(i => i is not null))
                {
                    yield return prefix + "[]";
                    foreach (var inner in PathsOf(item!, prefix + "[]"))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }
}

/// <summary>A strict RFC 4180 reader, to check that what the register writes parses back.</summary>
internal static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                Assert.That(c, Is.Not.EqualTo('\n'), "records end with CRLF");
                field.Append(c);
            }
        }

        Assert.That(row, Is.Empty, "the last record ends with CRLF");
        return rows;
    }
}
