using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Smpkr.Api.Search;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Search;

/// <summary>
/// The search entries in memory answer exactly as PostgreSQL does: two services over one database, one
/// counting in memory and one in SQL, walk the same searches (words in Lithuanian and English, codes,
/// filters, facets, totals, every order, each caller's visibility, open data) page by page and must
/// return the same bodies — records, order, facets, totals and the cursors themselves. The register is
/// written partly before the mirror loads and partly after (new records, changes, deletions), so what
/// the mirror caught up is compared too.
/// </summary>
public sealed class SearchMirrorTests : ProgrammeTest
{
    private static readonly string[] Words =
    [
        "Informatika", "informatikos", "Programų", "sistemos", "sistemų", "inžinerija", "Duomenų", "mokslas", "Finansų", "apskaita",
        "mokytojas", "mokytojų", "ugdymas", "Pradinio", "Verslo", "vadyba", "Teisė", "teisės", "Kūrybinės", "industrijos", "Ir", "Į",
    ];

    private static readonly string[] EnglishWords = ["Software", "Engineering", "Data", "Science", "Teacher", "Education", "Business", "Law", "and"];

    private static readonly (string Group, string Field)[] Fields = [("B", "B01"), ("B", "B03"), ("M", "M01"), ("L", "L01"), ("C", "C01"), ("D", "D02")];

    private static readonly string[] Isced = ["0613", "0113", "0411", "0511", "0421"];

    private static readonly (string Type, string Cycle, string Ltks, int Eqf, int Credits)[] Levels =
    [
        ("university", "first", "VI", 6, 240), ("university", "second", "VII", 7, 120), ("college", "first", "VI", 6, 180),
    ];

    private readonly Random _random = new(20261128);
    private readonly List<(JsonObject Record, ProgrammeClient Owner)> _drafts = [];
    private readonly List<JsonObject> _registered = [];
    private SmpkrApp _sql = null!;
    private string _middle = string.Empty;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Search:Memory"] = "true",
        ["Search:MemoryRebuildDead"] = "20",
    };

    [OneTimeSetUp]
    public async Task BuildRegister()
    {
        _sql = new SmpkrApp(ConnectionString, new Dictionary<string, string?> { ["Search:Memory"] = "false" });
        await WriteAsync(40);
        await WaitForSearchMemoryAsync();
        _middle = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        // After the load: more records, some written through the other service, changes and deletions.
        await WriteAsync(40);
        var other = new ProgrammeClient(_sql.ClientWith(TestTokens.Provider()));
        for (var i = 0; i < 10; i++)
        {
            _drafts.Add((await other.CreateAsync(Body()), Owner));
        }

        for (var i = 0; i < 8; i++)
        {
            var (draft, owner) = _drafts[i * 3];
            var changed = await ProgrammeClient.ExpectAsync(await owner.ReplaceAsync(draft, Body()), HttpStatusCode.OK);
            _drafts[i * 3] = (changed, owner);
        }

        foreach (var gone in _drafts.Where((_, i) => i % 7 == 1).ToList())
        {
            var response = await gone.Owner.SendAsync(HttpMethod.Delete, $"/api/v1/programmes/{gone.Record["id"]}", ProgrammeClient.ETag(gone.Record));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent).Or.EqualTo(HttpStatusCode.OK));
            _drafts.Remove(gone);
        }
    }

    [OneTimeTearDown]
    public async Task StopSecondService() => await _sql.DisposeAsync();

    [Test]
    public async Task Every_search_walks_the_same_pages_from_memory_and_from_PostgreSQL()
    {
        var codes = _registered.Select(r => r["code"]!.GetValue<string>()).ToList();
        var texts = new List<string?>
        {
            null, "informatika", "informatikos", "programu sistemos", "sistemų inžinerija", "mokytoj", "duomen", "engineering", "teachers",
            "ir", "į", "in", "finansų apskaita", "kūrybinės industrijos verslo", "zzzzqx", "%", codes[0], codes[1].ToLowerInvariant(), codes[2][..4],
            codes[3][..2], "Informatika", "verslo ir",
        };
        var filters = new[]
        {
            "", "fieldGroup=B", "fieldGroup=B&fieldGroup=M&language=en", "iscedF=06", "iscedF=04&cycle=second", "ltksLevel=VII&eqfLevel=7",
            "status=draft", $"status=registered&provider={TestTokens.ProviderCode}", "studyType=college&form=full-time",
            "registeredFrom=2025-01-01", $"changedSince={Uri.EscapeDataString(_middle)}", "kind=study&studyField=B01&studyField=B03",
        };
        var sorts = new[] { "", "sort=name", "sort=-name", "sort=code", "sort=-code", "sort=registeredOn", "sort=-registeredOn", "sort=changedAt", "sort=-changedAt", "sort=created" };
        const string allFacets = "facets=kind,status,provider,fieldGroup,studyField,iscedF,ltksLevel,eqfLevel,cycle,studyType,language,form";
        var callers = new (string Name, Func<SmpkrApp, HttpClient> Client, string Path)[]
        {
            ("registrar", app => app.ClientWith(TestTokens.Registrar()), "/api/v1/programmes"),
            ("provider", app => app.ClientWith(TestTokens.Provider()), "/api/v1/programmes"),
            ("other provider", app => app.ClientWith(TestTokens.Provider(TestTokens.OtherProviderCode)), "/api/v1/programmes"),
            ("anyone", app => app.ClientWith(null), "/open/v1/programmes"),
        };

        var mirror = App.Services.GetRequiredService<SearchMirror>();
        var answeredBefore = mirror.Answered;
        var compared = 0;
        var pages = 0;
        var random = new Random(7);
        for (var i = 0; i < 260; i++)
        {
            var text = texts[random.Next(texts.Count)];
            var query = new List<string>();
            if (text is not null)
            {
                query.Add("q=" + Uri.EscapeDataString(text));
            }

            query.Add(filters[random.Next(filters.Length)]);
            query.Add(sorts[random.Next(sorts.Length)]);
            query.Add(random.Next(3) switch { 0 => allFacets + "&total=true", 1 => "facets=fieldGroup,language", _ => "total=true" });
            query.Add($"limit={1 + random.Next(9)}");
            var caller = callers[random.Next(callers.Length)];
            var url = caller.Path + "?" + string.Join('&', query.Where(p => p.Length > 0));

            // Both services walk from the first page; each page of the memory walk is also asked of PostgreSQL
            // with the memory's own cursor, so a cursor from one continues in the other.
            var memoryClient = caller.Client(App);
            var sqlClient = caller.Client(_sql);
            string? next = url;
            while (next is not null)
            {
                var fromMemory = await memoryClient.GetAsync(next);
                var fromSql = await sqlClient.GetAsync(next);
                var memoryBody = await fromMemory.Content.ReadAsStringAsync();
                var sqlBody = await fromSql.Content.ReadAsStringAsync();
                Assert.That(fromMemory.StatusCode, Is.EqualTo(fromSql.StatusCode), $"{caller.Name} {next}");
                if (fromMemory.StatusCode != HttpStatusCode.OK)
                {
                    break;
                }

                Assert.That(memoryBody, Is.EqualTo(sqlBody), $"{caller.Name} {next}\nSQL:    {sqlBody[..Math.Min(1500, sqlBody.Length)]}\nMEMORY: {memoryBody[..Math.Min(1500, memoryBody.Length)]}");
                pages++;
                next = JsonNode.Parse(memoryBody)!["next"]?.GetValue<string>();
            }

            compared++;
        }

        TestContext.Out.WriteLine($"{compared} searches, {pages} pages compared; {mirror.Answered - answeredBefore} answered from memory");
        Assert.That(mirror.Answered - answeredBefore, Is.GreaterThan(pages / 2), "most of the pages were counted in memory");
    }

    [Test]
    public async Task Many_changes_load_the_index_afresh_and_it_still_answers_as_PostgreSQL()
    {
        var mirror = App.Services.GetRequiredService<SearchMirror>();
        var loads = mirror.Loads;
        var (draft, owner) = _drafts[0];
        for (var i = 0; i < 40; i++)
        {
            draft = await ProgrammeClient.ExpectAsync(await owner.ReplaceAsync(draft, Body()), HttpStatusCode.OK);
            await IdsAsync("/api/v1/programmes?q=informatika&total=true");
        }

        _drafts[0] = (draft, owner);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (mirror.Loads == loads && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await IdsAsync("/api/v1/programmes?q=informatika&total=true");
            await Task.Delay(50);
        }

        Assert.That(mirror.Loads, Is.GreaterThan(loads), "40 replaced documents of about a hundred: a fresh load");
        foreach (var url in new[] { "/api/v1/programmes?q=informatika&facets=fieldGroup,language&total=true", "/api/v1/programmes?q=teisė&sort=name&total=true", "/api/v1/programmes?facets=status,provider&total=true&limit=50" })
        {
            var fromMemory = await Registrar().GetStringAsync(url);
            var fromSql = await _sql.ClientWith(TestTokens.Registrar()).GetStringAsync(url);
            Assert.That(fromMemory, Is.EqualTo(fromSql), url);
        }
    }

    [Test]
    public async Task A_truncated_search_table_is_loaded_again_and_refilled_entries_are_found()
    {
        var mirror = App.Services.GetRequiredService<SearchMirror>();
        var loads = mirror.Loads;
        var record = _registered[0];
        var code = record["code"]!.GetValue<string>();
        var before = await IdsAsync($"/api/v1/programmes?q={code}&total=true");
        await using (var connection = new Npgsql.NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var truncate = new Npgsql.NpgsqlCommand("TRUNCATE search_entries", connection);
            await truncate.ExecuteNonQueryAsync();
        }

        var truncated = await IdsAsync($"/api/v1/programmes?q={code}&total=true");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await SearchIndex.AddMissingAsync(
                scope.ServiceProvider.GetRequiredService<Smpkr.Api.Data.SmpkrDbContext>(), scope.ServiceProvider.GetRequiredService<SearchableTypes>().FieldsOf, CancellationToken.None);
        }

        var refilled = await IdsAsync($"/api/v1/programmes?q={code}&total=true");
        await WaitForSearchMemoryAsync();
        var answered = mirror.Answered;
        var fromMemory = await IdsAsync($"/api/v1/programmes?q={code}&total=true");
        Assert.Multiple(() =>
        {
            Assert.That(before, Does.Contain(record["id"]!.GetValue<string>()));
            Assert.That(truncated, Is.Empty, "nothing is left to find once the table is empty");
            Assert.That(refilled, Does.Contain(record["id"]!.GetValue<string>()));
            Assert.That(mirror.Loads, Is.GreaterThan(loads), "a truncation makes the mirror load afresh");
            Assert.That(fromMemory, Does.Contain(record["id"]!.GetValue<string>()));
            Assert.That(mirror.Answered, Is.GreaterThan(answered), "answered from memory again");
            Assert.That(mirror.Entries, Is.EqualTo(_registered.Count + _drafts.Count), "the mirror holds the table's entries again");
        });
    }

    private async Task<List<string>> IdsAsync(string url)
    {
        var page = await ProgrammeClient.ExpectAsync(await Registrar().GetAsync(url), HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];
    }

    /// <summary>Half drafts (of two providers), half registered; names, summaries and classifications drawn at random.</summary>
    private async Task WriteAsync(int count)
    {
        var other = new ProgrammeClient(Provider(TestTokens.OtherProviderCode));
        for (var i = 0; i < count; i++)
        {
            var body = Body();
            if (i % 2 == 0)
            {
                _registered.Add(await RegisteredAsync(body));
            }
            else
            {
                var owner = i % 4 == 1 ? Owner : other;
                _drafts.Add((await owner.CreateAsync(body), owner));
            }
        }
    }

    private JsonObject Body()
    {
        string Pick(string[] from, int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => from[_random.Next(from.Length)]));
        var (group, field) = Fields[_random.Next(Fields.Length)];
        var level = Levels[_random.Next(Levels.Length)];
        var languages = _random.Next(3) switch { 0 => new JsonArray("lt"), 1 => new JsonArray("en"), _ => new JsonArray("lt", "en") };
        var body = Samples.Study(Pick(Words, 1 + _random.Next(3)), group, field)
            .With("name", new JsonObject { ["lt"] = Pick(Words, 1 + _random.Next(3)), ["en"] = Pick(EnglishWords, 1 + _random.Next(3)) })
            .With("summary", new JsonObject { ["general"] = new JsonObject { ["lt"] = Pick(Words, 4 + _random.Next(8)) } })
            .With("iscedF", new JsonArray(Isced[_random.Next(Isced.Length)]))
            .With("languages", languages)
            .With("studyType", level.Type).With("cycle", level.Cycle).With("ltksLevel", level.Ltks).With("eqfLevel", level.Eqf).With("credits", level.Credits);
        if (_random.Next(4) == 0)
        {
            body = body.With("forms", new JsonArray(new JsonObject
            {
                ["form"] = "part-time",
                ["duration"] = new JsonObject { ["value"] = 5, ["unit"] = "years" },
            }));
        }

        return body;
    }
}
