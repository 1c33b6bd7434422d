using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Smpkr.Api.Register;
using Smpkr.Api.Search;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Search;

/// <summary>
/// Search on <c>GET /api/v1/programmes</c> over a small register built once for the class: relevance
/// in Lithuanian and English, code first, filters, facets, paging and the refusals of bad input.
/// Run twice: with the search entries in memory (<see cref="SearchMirror"/>, waited for until loaded)
/// and with every search in PostgreSQL.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class SearchTests(bool memory) : ProgrammeTest
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Search:Memory"] = memory ? "true" : "false" };

    private JsonObject _informatika = null!;
    private JsonObject _software = null!;
    private JsonObject _teacher = null!;
    private JsonObject _accounting = null!;
    private JsonObject _englishOnly = null!;
    private JsonObject _draft = null!;

    [OneTimeSetUp]
    public async Task BuildRegister()
    {
        _informatika = await RegisteredAsync(Samples.Study("Informatika", "B", "B01")
            .With("summary", new JsonObject { ["general"] = new JsonObject { ["lt"] = "Studijos apie algoritmus ir duomenų struktūras." } }));
        _software = await RegisteredAsync(Samples.Study("Programų sistemos", "B", "B03"));
        _teacher = await RegisteredAsync(Samples.Study("Pradinio ugdymo mokytojas", "M", "M01")
            .With("iscedF", new JsonArray("0113"))
            .With("name", new JsonObject { ["lt"] = "Pradinio ugdymo mokytojas", ["en"] = "Primary Teacher Education" })
            .With("languages", new JsonArray("lt")));
        _accounting = await RegisteredAsync(Samples.Study("Finansų apskaita", "L", "L01")
            .With("iscedF", new JsonArray("0411"))
            .With("name", new JsonObject { ["lt"] = "Finansų apskaita", ["en"] = "Financial Accounting" })
            .With("ltksLevel", "VII").With("eqfLevel", 7).With("cycle", "second").With("credits", 120));
        _englishOnly = await RegisteredAsync(Samples.Study("Duomenų mokslas", "B", "B02")
            .With("name", new JsonObject { ["lt"] = "Duomenų mokslas", ["en"] = "Data Science and Engineering" }));
        _draft = await Owner.CreateAsync(Samples.Study("Juodraštinė informatika", "B", "B01"));
        if (memory)
        {
            await WaitForSearchMemoryAsync();
        }
    }

    [Test]
    public async Task Searches_that_need_every_match_are_answered_by_the_configured_engine()
    {
        var mirror = App.Services.GetRequiredService<SearchMirror>();
        var before = mirror.Answered;
        await GetOkAsync(Registrar(), "/api/v1/programmes?q=informatika");
        await GetOkAsync(Registrar(), "/api/v1/programmes?fieldGroup=B&facets=ltksLevel");
        await GetOkAsync(Anonymous(), "/open/v1/programmes?total=true");
        var memoryAnswers = mirror.Answered - before;
        await GetOkAsync(Registrar(), "/api/v1/programmes?fieldGroup=B&sort=name");
        Assert.Multiple(() =>
        {
            Assert.That(memoryAnswers, Is.EqualTo(memory ? 3 : 0), "words, facets and totals are counted in memory when it is on");
            Assert.That(mirror.Answered - before, Is.EqualTo(memoryAnswers), "a page an index gives in order is read from PostgreSQL");
        });
    }

    [TestCase("programu sistemos", "software", Description = "diacritics optional")]
    [TestCase("PROGRAMŲ", "software")]
    [TestCase("informatikos", "informatika", Description = "inflected form finds the nominative")]
    [TestCase("informatiką", "informatika")]
    [TestCase("mokytojų", "teacher", Description = "genitive plural finds mokytojas")]
    [TestCase("mokytoju", "teacher")]
    [TestCase("ugdymas", "teacher")]
    [TestCase("finansu apskaitos", "accounting")]
    [TestCase("algoritmai", "informatika", Description = "summaries are searched too")]
    [TestCase("informatka", "informatika", Description = "a near-miss still finds it")]
    [TestCase("informatka&studyType=university&eqfLevel=6&facets=fieldGroup,ltksLevel,language", "informatika", Description = "near-miss with filters and facets")]
    [TestCase("inform", "informatika", Description = "a word prefix")]
    public async Task Lithuanian_text_finds_the_programme(string q, string expected)
    {
        // Pages of one walk the ranked list (exact or near-miss) through its cursors.
        var ids = await IdsAsync(Registrar(), $"/api/v1/programmes?q={(q.Contains('&', StringComparison.Ordinal) ? q : Uri.EscapeDataString(q))}&limit=1");
        Assert.That(ids, Does.Contain(Id(Named(expected))));
    }

    [TestCase("engineering", "software")]
    [TestCase("teachers", "teacher")]
    [TestCase("accounting", "accounting")]
    [TestCase("science", "englishOnly")]
    public async Task English_text_finds_the_programme(string q, string expected)
    {
        var ids = await IdsAsync(Registrar(), $"/api/v1/programmes?q={Uri.EscapeDataString(q)}");
        Assert.That(ids, Does.Contain(Id(Named(expected))));
    }

    [Test]
    public async Task Words_must_all_match_and_unrelated_records_stay_out()
    {
        var ids = await IdsAsync(Registrar(), "/api/v1/programmes?q=finansų%20apskaita");
        Assert.Multiple(() =>
        {
            Assert.That(ids, Does.Contain(Id(_accounting)));
            Assert.That(ids, Does.Not.Contain(Id(_teacher)));
            Assert.That(ids, Does.Not.Contain(Id(_informatika)));
        });
    }

    [Test]
    public async Task A_name_match_ranks_above_a_summary_match()
    {
        // "informatikos" is in the award of every sample, in Informatika's name, and nowhere else as a name.
        var page = await GetOkAsync(Registrar(), "/api/v1/programmes?q=informatika");
        Assert.That(Ids(page).First(), Is.EqualTo(Id(_informatika)));
    }

    [Test]
    public async Task An_exact_code_ranks_first_then_code_prefixes()
    {
        var code = _teacher["code"]!.GetValue<string>();
        var exact = await GetOkAsync(Registrar(), $"/api/v1/programmes?q={code}");
        var lower = await GetOkAsync(Registrar(), $"/api/v1/programmes?q={code.ToLowerInvariant()}");
        var prefix = code[..4];
        var byPrefix = await GetOkAsync(Registrar(), $"/api/v1/programmes?q={prefix}");
        var codesOfPrefix = Items(byPrefix).Select(i => i["code"]?.GetValue<string>()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Ids(exact).First(), Is.EqualTo(Id(_teacher)));
            Assert.That(Ids(lower).First(), Is.EqualTo(Id(_teacher)), "codes match whatever the case");
            Assert.That(codesOfPrefix, Is.Not.Empty);
            Assert.That(codesOfPrefix.TakeWhile(c => c is not null && c.StartsWith(prefix, StringComparison.Ordinal)).Count(),
                Is.EqualTo(codesOfPrefix.Count(c => c is not null && c.StartsWith(prefix, StringComparison.Ordinal))), "every code with the prefix comes before the rest");
        });
    }

    [Test]
    public async Task Filters_are_or_within_and_and_across()
    {
        var bOrM = await IdsAsync(Registrar(), $"/api/v1/programmes?fieldGroup=B&fieldGroup=M&status=registered&provider={TestTokens.ProviderCode}");
        var bAndVii = await IdsAsync(Registrar(), "/api/v1/programmes?fieldGroup=B&ltksLevel=VII");
        var lAndVii = await IdsAsync(Registrar(), "/api/v1/programmes?fieldGroup=L&ltksLevel=VII&cycle=second&eqfLevel=7");
        var ict = await IdsAsync(Registrar(), "/api/v1/programmes?iscedF=06");
        var education = await IdsAsync(Registrar(), "/api/v1/programmes?iscedF=011&language=lt&form=full-time&studyType=university");
        var english = await IdsAsync(Registrar(), $"/api/v1/programmes?language=en&studyField=B01&studyField=B03&provider={TestTokens.ProviderCode}");
        Assert.Multiple(() =>
        {
            Assert.That(bOrM, Is.EquivalentTo(new[] { Id(_informatika), Id(_software), Id(_teacher), Id(_englishOnly) }));
            Assert.That(bAndVii, Is.Empty);
            Assert.That(lAndVii, Is.EqualTo(new[] { Id(_accounting) }));
            Assert.That(ict, Does.Contain(Id(_software)).And.Not.Contain(Id(_teacher)).And.Not.Contain(Id(_accounting)), "iscedF=06 finds 0613 by prefix");
            Assert.That(education, Is.EqualTo(new[] { Id(_teacher) }));
            Assert.That(english, Is.EquivalentTo(new[] { Id(_informatika), Id(_software), Id(_draft) }));
        });
    }

    [TestCase("fieldGroup=B&fieldGroup=M&status=registered")]
    [TestCase("fieldGroup=L&ltksLevel=VII&cycle=second&eqfLevel=7")]
    [TestCase("iscedF=011&language=lt&form=full-time&studyType=university")]
    [TestCase("language=en&studyField=B01&studyField=B03&kind=study")]
    [TestCase("status=draft&status=registered&provider=" + TestTokens.ProviderCode)]
    public async Task Filters_with_words_find_the_matches_of_the_words_that_pass_the_filters(string filters)
    {
        // With words the filters are checked row by row instead of through their indexes; the meaning must not change.
        foreach (var q in new[] { "informatika", "programų", "mokslas", "apskaita" })
        {
            var words = await IdsAsync(Registrar(), $"/api/v1/programmes?q={Uri.EscapeDataString(q)}");
            var filtered = await IdsAsync(Registrar(), $"/api/v1/programmes?{filters}");
            var both = await IdsAsync(Registrar(), $"/api/v1/programmes?q={Uri.EscapeDataString(q)}&{filters}");
            Assert.That(both, Is.EquivalentTo(words.Intersect(filtered)), $"q={q}&{filters}");
        }
    }

    [Test]
    public async Task Date_filters_bound_registration_and_change()
    {
        // Registration dates are the register's (Lithuanian) days; a changedSince date is the start of that day in UTC.
        var today = TimeProvider.System.TodayInLithuania().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var utcToday = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var registeredToday = await IdsAsync(Registrar(), $"/api/v1/programmes?registeredFrom={today}&registeredTo={today}");
        var registeredLongAgo = await IdsAsync(Registrar(), "/api/v1/programmes?registeredTo=2000-01-01");
        var changedLater = await IdsAsync(Registrar(), "/api/v1/programmes?changedSince=2999-01-01T00:00:00Z");
        var changedSince = await IdsAsync(Registrar(), $"/api/v1/programmes?changedSince={utcToday}");
        Assert.Multiple(() =>
        {
            Assert.That(registeredToday, Does.Contain(Id(_accounting)).And.Not.Contain(Id(_draft)));
            Assert.That(registeredLongAgo, Is.Empty);
            Assert.That(changedLater, Is.Empty);
            Assert.That(changedSince, Does.Contain(Id(_draft)).And.Contain(Id(_teacher)));
        });
    }

    [Test]
    public async Task Facets_count_values_under_the_filters_and_sum_to_the_total()
    {
        var page = await GetOkAsync(Registrar(), $"/api/v1/programmes?provider={TestTokens.ProviderCode}&kind=study&facets=fieldGroup,status,ltksLevel&facets=language&total=true&limit=1");
        var narrowed = await GetOkAsync(Registrar(), $"/api/v1/programmes?provider={TestTokens.ProviderCode}&fieldGroup=B&facets=fieldGroup&total=true");
        var total = page["total"]!.GetValue<long>();
        long Sum(JsonObject p, string facet) => p["facets"]![facet]!.AsArray().Sum(v => v!["count"]!.GetValue<long>());
        long Count(JsonObject p, string facet, string value) =>
            p["facets"]![facet]!.AsArray().SingleOrDefault(v => v!["value"]!.GetValue<string>() == value)?["count"]!.GetValue<long>() ?? 0;
        Assert.Multiple(() =>
        {
            Assert.That(total, Is.EqualTo(6));
            Assert.That(Items(page).ToList(), Has.Count.EqualTo(1), "facets and total cover all matches, not the page");
            Assert.That(Sum(page, "fieldGroup"), Is.EqualTo(total));
            Assert.That(Sum(page, "status"), Is.EqualTo(total));
            Assert.That(Sum(page, "ltksLevel"), Is.EqualTo(total));
            Assert.That(Count(page, "fieldGroup", "B"), Is.EqualTo(4));
            Assert.That(Count(page, "status", "registered"), Is.EqualTo(5));
            Assert.That(Count(page, "status", "draft"), Is.EqualTo(1));
            Assert.That(Count(page, "language", "lt"), Is.EqualTo(6));
            Assert.That(Count(page, "language", "en"), Is.EqualTo(5));
            Assert.That(page["facets"]!["fieldGroup"]![0]!["value"]!.GetValue<string>(), Is.EqualTo("B"), "most frequent first");
            Assert.That(narrowed["total"]!.GetValue<long>(), Is.EqualTo(4));
            Assert.That(Sum(narrowed, "fieldGroup"), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task Total_and_facets_are_absent_unless_asked()
    {
        var page = await GetOkAsync(Registrar(), "/api/v1/programmes");
        Assert.Multiple(() =>
        {
            Assert.That(page.ContainsKey("total"), Is.False);
            Assert.That(page.ContainsKey("facets"), Is.False);
        });
    }

    [TestCase("name")]
    [TestCase("-name")]
    [TestCase("code")]
    [TestCase("-registeredOn")]
    [TestCase("changedAt")]
    public async Task Sorts_order_the_whole_walk(string sort)
    {
        var pages = await WalkAsync(Registrar(), $"/api/v1/programmes?status=registered&sort={sort}&limit=2");
        var items = pages.SelectMany(Items).ToList();
        var keys = sort.TrimStart('-') switch
        {
            "name" => items.Select(i => Fold(i["data"]!["name"]!["lt"]!.GetValue<string>())).ToList(),
            "code" => items.Select(i => i["code"]!.GetValue<string>()).ToList(),
            "registeredOn" => items.Select(i => i["registeredOn"]!.GetValue<string>()).ToList(),
            _ => items.Select(i => i["id"]!.GetValue<string>()).ToList(),
        };
        Assert.That(items, Has.Count.EqualTo(5));
        if (sort.TrimStart('-') != "changedAt")
        {
            Assert.That(keys, sort.StartsWith('-') ? Is.Ordered.Descending.Using((IComparer<string>)StringComparer.Ordinal) : Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        }
    }

    [Test]
    public async Task Words_the_register_has_are_not_turned_into_near_misses_by_filters()
    {
        // "finansų" is the accounting programme's (field group L); in group B it matches nothing exactly,
        // and "Finansinė informatika" there is only a near-miss of it.
        var near = await Owner.CreateAsync(Samples.Study("Finansinė informatika", "B", "B01"));
        var excluded = await IdsAsync(Registrar(), "/api/v1/programmes?q=finansų&fieldGroup=B&facets=fieldGroup");
        var typo = await IdsAsync(Registrar(), "/api/v1/programmes?q=finnansine&fieldGroup=B&facets=fieldGroup");
        Assert.Multiple(() =>
        {
            Assert.That(excluded, Is.Empty, "the word is in the register: the filters' answer is nothing");
            Assert.That(typo, Does.Contain(Id(near)), "a word the register does not have still finds near-misses");
        });
    }

    [Test]
    public async Task A_walk_by_registration_date_steps_through_records_never_registered()
    {
        // Drafts have no registration date and sort first, all with the same earliest key; a cursor after
        // one of them must not send the walk back to the start.
        var all = await IdsAsync(Registrar(), "/api/v1/programmes?limit=500");
        var seen = new List<string>();
        string? next = "/api/v1/programmes?sort=registeredOn&limit=1";
        while (next is not null && seen.Count <= all.Count)
        {
            var page = await GetOkAsync(Registrar(), next);
            seen.AddRange(Ids(page));
            next = page["next"]?.GetValue<string>();
        }

        Assert.That(seen, Is.EquivalentTo(all));
    }

    private const int MaxWalkWrites = 25;

    [Test]
    public async Task A_keyset_walk_has_no_duplicates_or_gaps_while_records_are_inserted_and_changed()
    {
        // Records present at the start are each returned once, whatever is inserted or changed meanwhile,
        // as long as a change leaves the record's own sort key alone (see SearchQuery.Sort).
        var client = new ProgrammeClient(Provider(TestTokens.OtherProviderCode));
        var before = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            before.Add(Id(await client.CreateAsync(Samples.Study($"Vaikščiojimo programa {i}"))));
        }

        foreach (var sort in new[] { "created", "name", "relevance" })
        {
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                // Bounded: new names can sort after the walk's cursor, so a writer faster than the walk
                // would keep it going for ever (seen once: over ten minutes, until the tokens expired).
                var n = 0;
                while (!stop.IsCancellationRequested && n < MaxWalkWrites)
                {
                    var created = await client.CreateAsync(Samples.Study($"Vaikščiojimo programa įterpta {sort} {n++}"));

                    // A change that leaves the sort key alone (the name, for created order: the credits otherwise).
                    var changed = sort == "created"
                        ? Samples.Study($"Vaikščiojimo programa pakeista {sort} {n}")
                        : Samples.Study($"Vaikščiojimo programa įterpta {sort} {n - 1}").With("credits", 180);
                    await client.ReplaceAsync(created, changed);
                    var earlier = await client.GetAsync(before[n % before.Count]);
                    await client.ReplaceAsync(earlier, Samples.Study(earlier["data"]!["name"]!["lt"]!.GetValue<string>()).With("credits", 200 + n));
                }
            });

            var seen = new List<string>();
            string? next = $"/api/v1/programmes?q=vaikščiojimo&provider={TestTokens.OtherProviderCode}&sort={sort}&limit=2";
            while (next is not null)
            {
                var page = await GetOkAsync(Registrar(), next);
                seen.AddRange(Ids(page));
                next = page["next"]?.GetValue<string>();
                await Task.Delay(20);
            }

            await stop.CancelAsync();
            await writer;
            Assert.Multiple(() =>
            {
                Assert.That(seen, Is.Unique, sort);
                Assert.That(seen, Is.SupersetOf(before), sort);
            });
        }
    }

    [Test]
    public async Task A_write_is_searchable_as_soon_as_it_returns()
    {
        var draft = await Owner.CreateAsync(Samples.Study("Akimirksnio chemija", "C", "C01"));
        var found = await IdsAsync(Provider(), "/api/v1/programmes?q=chemija");
        var renamed = await ProgrammeClient.ExpectAsync(await Owner.ReplaceAsync(draft, Samples.Study("Akimirksnio biologija", "D", "D01")), HttpStatusCode.OK);
        var oldName = await IdsAsync(Provider(), "/api/v1/programmes?q=chemija");
        var newName = await IdsAsync(Provider(), "/api/v1/programmes?q=biologija&fieldGroup=D");
        await Owner.SendAsync(HttpMethod.Delete, $"/api/v1/programmes/{Id(renamed)}", ProgrammeClient.ETag(renamed));
        var deleted = await IdsAsync(Provider(), "/api/v1/programmes?q=biologija");
        Assert.Multiple(() =>
        {
            Assert.That(found, Does.Contain(Id(draft)));
            Assert.That(oldName, Does.Not.Contain(Id(draft)));
            Assert.That(newName, Does.Contain(Id(draft)));
            Assert.That(deleted, Does.Not.Contain(Id(draft)));
        });
    }

    [Test]
    public async Task Providers_find_only_what_they_may_see_and_published_only_hides_drafts()
    {
        var other = await IdsAsync(Provider(TestTokens.OtherProviderCode), "/api/v1/programmes?q=informatika");
        var own = await IdsAsync(Provider(), "/api/v1/programmes?q=informatika");
        var search = App.Services.GetRequiredService<RegisterSearch>();
        var published = await search.SearchAsync("programme", new SearchRequest { Text = "informatika", Words = ["informatika"], Sort = SearchSort.Relevance }, SearchVisibility.PublishedOnly, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(other, Does.Contain(Id(_informatika)).And.Not.Contain(Id(_draft)));
            Assert.That(own, Does.Contain(Id(_informatika)).And.Contain(Id(_draft)));
            Assert.That(published.Ids.Select(g => g.ToString()), Does.Contain(Id(_informatika)).And.Not.Contain(Id(_draft)));
        });
    }

    [Test]
    public async Task Records_without_entries_are_indexed_from_the_content_they_show()
    {
        await using (var connection = new Npgsql.NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = new Npgsql.NpgsqlCommand("DELETE FROM search_entries WHERE record_id = ANY($1)", connection);
            delete.Parameters.Add(new Npgsql.NpgsqlParameter { Value = new[] { Guid.Parse(Id(_teacher)), Guid.Parse(Id(_draft)) } });
            Assert.That(await delete.ExecuteNonQueryAsync(), Is.EqualTo(2));
        }

        var missing = await IdsAsync(Registrar(), "/api/v1/programmes?q=mokytojas");
        await using var scope = App.Services.CreateAsyncScope();
        var added = await SearchIndex.AddMissingAsync(
            scope.ServiceProvider.GetRequiredService<Smpkr.Api.Data.SmpkrDbContext>(), scope.ServiceProvider.GetRequiredService<SearchableTypes>().FieldsOf, CancellationToken.None);
        var teacher = await IdsAsync(Registrar(), "/api/v1/programmes?q=mokytojas&iscedF=0113");
        var draft = await IdsAsync(Registrar(), "/api/v1/programmes?q=juodraštinė&status=draft");
        Assert.Multiple(() =>
        {
            Assert.That(missing, Does.Not.Contain(Id(_teacher)));
            Assert.That(added, Is.EqualTo(2));
            Assert.That(teacher, Is.EqualTo(new[] { Id(_teacher) }));
            Assert.That(draft, Is.EqualTo(new[] { Id(_draft) }));
        });
    }

    [Test]
    public async Task A_next_link_for_lithuanian_text_is_escaped_and_continues_the_walk()
    {
        var response = await Registrar().GetAsync($"/api/v1/programmes?q={Uri.EscapeDataString("programų sistemų")}&limit=1");
        var page = await ProgrammeClient.ExpectAsync(response, HttpStatusCode.OK);
        var link = response.Headers.GetValues("Link").Single();
        var next = await GetOkAsync(Registrar(), page["next"]!.GetValue<string>());
        Assert.Multiple(() =>
        {
            Assert.That(link, Does.Contain("q=program%C5%B3%20sistem%C5%B3"));
            Assert.That(link.All(char.IsAscii), Is.True);
            Assert.That(Ids(next), Is.Not.Empty.And.Not.Contains(Ids(page).Single()));
        });
    }

    [TestCase("'; DROP TABLE search_entries; --")]
    [TestCase("informatika' OR '1'='1")]
    [TestCase("%")]
    [TestCase("_")]
    [TestCase("a:* | b & !c")]
    [TestCase("\\x00 $1 ${q}")]
    [TestCase("🎓📚 𝕴𝖓𝖋𝖔𝖗𝖒𝖆𝖙𝖎𝖐𝖆")]
    [TestCase("\u202Eakitamrofni\u202C")]
    [TestCase("e\u0301 \uFEFF ﷽ ᠎")]
    [TestCase("\uD800 lone surrogate")]
    public async Task Odd_text_is_just_text(string q)
    {
        var everything = (await GetOkAsync(Registrar(), "/api/v1/programmes?total=true&limit=1"))["total"]!.GetValue<long>();
        var response = await Registrar().GetAsync($"/api/v1/programmes?q={Uri.EscapeDataString(q)}&facets=fieldGroup&total=true");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var page = JsonNode.Parse(body)!.AsObject();
        Assert.That(page["total"]!.GetValue<long>(), Is.LessThan(everything), "no text matches everything");
        Assert.That(await IdsAsync(Registrar(), "/api/v1/programmes?q=informatika"), Does.Contain(Id(_informatika)), "the index is intact");
    }

    [TestCase("fieldGroup=ZZ", "fieldGroup", "filter.unknown-value")]
    [TestCase("studyField=B99", "studyField", "filter.unknown-value")]
    [TestCase("iscedF=9x", "iscedF", "filter.unknown-value")]
    [TestCase("ltksLevel=IX", "ltksLevel", "filter.unknown-value")]
    [TestCase("eqfLevel=9", "eqfLevel", "filter.unknown-value")]
    [TestCase("cycle=fourth", "cycle", "filter.unknown-value")]
    [TestCase("studyType=school", "studyType", "filter.unknown-value")]
    [TestCase("language=xx", "language", "filter.unknown-value")]
    [TestCase("form=evening", "form", "filter.unknown-value")]
    [TestCase("kind=course", "kind", "filter.unknown-value")]
    [TestCase("status=gone", "status", "filter.unknown-value")]
    [TestCase("provider=a%20b", "provider", "filter.unknown-value")]
    [TestCase("registeredFrom=2025-13-01", "registeredFrom", "value.not-date")]
    [TestCase("registeredFrom=2025-02-01&registeredTo=2025-01-01", "registeredTo", "dates.out-of-order")]
    [TestCase("changedSince=yesterday", "changedSince", "value.not-timestamp")]
    [TestCase("sort=popularity", "sort", "sort.unknown")]
    [TestCase("sort=relevance", "sort", "sort.relevance-without-q")]
    [TestCase("facets=fieldGroup,colour", "facets", "facet.unknown")]
    [TestCase("total=yes", "total", "value.not-boolean")]
    [TestCase("limit=0", "limit", "limit.out-of-range")]
    [TestCase("limit=100000", "limit", "limit.out-of-range")]
    [TestCase("cursor=not-a-cursor", "cursor", "cursor.invalid")]
    [TestCase("cursor=eyJGIjoiMDAwMDAwMDAwMDAwIiwiUyI6Ik5hbWUiLCJLIjoiYSIsIkkiOiIwMTk0MDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDAifQ", "cursor", "cursor.invalid")]
    [TestCase("q=a%01b", "q", "q.control-characters")]
    public async Task Bad_parameters_are_refused_with_a_problem_naming_them(string query, string parameter, string code)
    {
        var response = await Registrar().GetAsync($"/api/v1/programmes?{query}");
        await ProblemAssert.IsValidationProblem(response, parameter, code);
    }

    [Test]
    public async Task Too_long_text_and_unknown_parameters_are_refused()
    {
        await ProblemAssert.IsValidationProblem(await Registrar().GetAsync($"/api/v1/programmes?q={new string('a', 201)}"), "q", "q.too-long");
        var unknown = await ProblemAssert.IsProblem(await Registrar().GetAsync("/api/v1/programmes?colour=red"), HttpStatusCode.BadRequest);
        Assert.That(unknown.GetProperty("detail").GetString(), Does.Contain("colour"));
    }

    [Test]
    public async Task A_cursor_only_continues_the_search_that_issued_it()
    {
        var first = await GetOkAsync(Registrar(), "/api/v1/programmes?q=informatika&limit=1");
        var cursor = Uri.EscapeDataString(new Uri(first["next"]!.GetValue<string>()).Query.Split("cursor=")[1].Split('&')[0]);
        var otherSearch = await Registrar().GetAsync($"/api/v1/programmes?q=programos&limit=1&cursor={Uri.UnescapeDataString(cursor)}");
        var otherSort = await Registrar().GetAsync($"/api/v1/programmes?q=informatika&sort=name&limit=1&cursor={Uri.UnescapeDataString(cursor)}");
        var same = await Registrar().GetAsync($"/api/v1/programmes?q=informatika&limit=5&cursor={Uri.UnescapeDataString(cursor)}");
        await ProblemAssert.IsValidationProblem(otherSearch, "cursor", "cursor.invalid");
        await ProblemAssert.IsValidationProblem(otherSort, "cursor", "cursor.invalid");
        Assert.That(same.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a different page size may continue the walk");
    }

    [Test]
    public async Task Other_register_types_are_searched_the_same_way()
    {
        var qualifications = await Registrar().GetAsync("/api/v1/qualifications?q=informatika&facets=ltksLevel&total=true&sort=name");
        var standards = await Registrar().GetAsync("/api/v1/professional-standards?q=sektorius&status=registered");
        var vet = await Registrar().GetAsync("/api/v1/vet-standards?iscedF=06&ltksLevel=IV");
        Assert.Multiple(() =>
        {
            Assert.That(qualifications.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(standards.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(vet.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    private JsonObject Named(string name) => name switch
    {
        "informatika" => _informatika,
        "software" => _software,
        "teacher" => _teacher,
        "accounting" => _accounting,
        "englishOnly" => _englishOnly,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string Fold(string name) =>
        new string(name.Normalize(System.Text.NormalizationForm.FormD).Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark).ToArray()).ToLowerInvariant();

    private static string Id(JsonObject record) => record["id"]!.GetValue<string>();

    private static IEnumerable<JsonObject> Items(JsonObject page) => page["items"]!.AsArray().Select(i => i!.AsObject());

    private static IEnumerable<string> Ids(JsonObject page) => Items(page).Select(Id);

    private static async Task<JsonObject> GetOkAsync(HttpClient client, string url) =>
        await ProgrammeClient.ExpectAsync(await client.GetAsync(url), HttpStatusCode.OK);

    private static async Task<List<JsonObject>> WalkAsync(HttpClient client, string first)
    {
        var pages = new List<JsonObject>();
        string? next = first;
        while (next is not null)
        {
            var page = await GetOkAsync(client, next);
            pages.Add(page);
            next = page["next"]?.GetValue<string>();
        }

        return pages;
    }

    private static async Task<List<string>> IdsAsync(HttpClient client, string first) =>
        [.. (await WalkAsync(client, first)).SelectMany(Ids)];
}
