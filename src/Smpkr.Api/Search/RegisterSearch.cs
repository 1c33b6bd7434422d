using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Smpkr.Api.Search;

/// <summary>One value of a facet and how many matching records have it.</summary>
public sealed record FacetCount(string Value, long Count);

/// <summary>An ordered page of record ids, the cursor of the next page, and the facets and total when asked.</summary>
public sealed record SearchResult(
    IReadOnlyList<Guid> Ids,
    string? NextCursor,
    long? Total,
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>>? Facets);

/// <summary>
/// Search over <c>search_entries</c> for any register type and any visibility: the register API
/// passes what its caller may see, the open-data API passes <see cref="SearchVisibility.PublishedOnly"/>.
/// Text matching: weighted full text (code A, names B, Lithuanian summary C, English summary D) in
/// Lithuanian and English configurations that ignore diacritics, word prefixes, trigram similarity
/// for near-misses, and an exact code or code prefix above everything else. One statement: the
/// page, and the facets and total of the same filters from the same single read of the matches.
/// </summary>
public sealed class RegisterSearch(NpgsqlDataSource dataSource, SearchMirror? mirror = null)
{
    /// <summary>The folded text must be this long before trigram similarity may find near-misses.</summary>
    private const int MinimumTrigramText = 4;

    /// <summary>A word this long or longer also matches as the beginning of longer words.</summary>
    private const int MinimumPrefix = 3;

    /// <summary>The statement of one search and its parameters.</summary>
    internal sealed record SearchCommand(string Sql, IReadOnlyList<NpgsqlParameter> Parameters, bool Text, List<string> FacetColumns);

    /// <summary>
    /// The SQL a search runs, without running it (the benchmark's database baseline runs the very same text).
    /// Without facets or total it is the page alone, which an index on the sort key can answer without
    /// reading every match. With them, the matches are read once into a materialized set that yields both
    /// the page and, in one extra row, the facets and total as JSON. Words match in one
    /// <paramref name="mode"/>: <c>e</c> (exact, the default) or <c>n</c> (near-misses).
    /// </summary>
    internal static SearchCommand Build(string objectType, SearchRequest request, SearchVisibility visibility, string mode = "e")
    {
        var sql = new SqlBuilder();
        var filters = Where(objectType, request, visibility, sql);
        var text = TextMatch(request, sql);
        var descending = IsDescending(request.Sort);
        var keyed = request.Sort != SearchSort.Created;
        var summary = request.Facets.Count > 0 || request.Total;
        var facetColumns = request.Facets.Select(f => FacetColumns[f].Column).Distinct().ToList();
        string Columns(bool near) => string.Join(", ",
            new[] { "e.record_id", $"{SortKey(request, near, sql) ?? "NULL::text"} AS k" }.Concat(facetColumns.Select((c, i) => $"{c} AS c{i}")));

        var matched = Matched(filters, text, mode, Columns);
        var direction = descending ? " DESC" : string.Empty;
        var order = keyed ? $"k{direction}, record_id{direction}" : $"record_id{direction}";
        var page = new StringBuilder("SELECT record_id, k, mode, NULL::text AS summary FROM ")
            .Append(summary ? "hits" : $"({matched}) h");
        if (request.After is { } after)
        {
            var op = descending ? "<" : ">";
            var id = sql.Add(after.Id);
            page.Append(!keyed
                ? $" WHERE record_id {op} {id}"
                : $" WHERE (k, record_id) {op} ({KeyParameter(after, sql)}, {id})");
        }

        page.Append(" ORDER BY ").Append(order).Append(" LIMIT ").Append(request.Limit + 1);
        if (!summary)
        {
            return new SearchCommand(page.ToString(), sql.Parameters, text is not null, facetColumns);
        }

        var statement = new StringBuilder("WITH hits AS MATERIALIZED (").Append(matched).Append(") ")
            .Append("SELECT * FROM (").Append(page).Append(") p ")
            .Append("UNION ALL SELECT NULL, NULL, NULL, (").Append(SummaryJson(facetColumns)).Append(") ORDER BY ").Append(order);
        return new SearchCommand(statement.ToString(), sql.Parameters, text is not null, facetColumns);
    }

    /// <summary>
    /// One page of matches. A later page keeps the mode of the first. A first page looks for near-misses only
    /// when nothing matches the words exactly under the same filters and the words match nothing the caller
    /// may see at all, in a statement of its own: planning the two ways in one statement cost more (2 ms)
    /// than running the exact one for most words.
    /// </summary>
    public async Task<SearchResult> SearchAsync(string objectType, SearchRequest request, SearchVisibility visibility, CancellationToken cancellationToken)
    {
        if (request.After?.Mode is "n")
        {
            return await SearchAsync(objectType, request, visibility, "n", cancellationToken);
        }

        var fromMirror = await FromMirrorAsync(objectType, request, visibility, cancellationToken);
        var exact = fromMirror?.Result ?? await SearchAsync(objectType, request, visibility, "e", cancellationToken);
        if (exact.Ids.Count > 0 || request.After is not null || NearText(request) is null)
        {
            return exact;
        }

        // Near-misses are for words the register does not have (a typo), not for words the filters exclude.
        var found = fromMirror?.WordsFound ?? await WordsFoundAsync(objectType, request, visibility, cancellationToken);
        return found ? exact : await SearchAsync(objectType, request, visibility, "n", cancellationToken);
    }

    /// <summary>A statement on the search pool with copies of <paramref name="parameters"/> (a built command's parameters may be used again).</summary>
    private NpgsqlCommand Command(string text, IReadOnlyList<NpgsqlParameter> parameters)
    {
        var command = dataSource.CreateCommand(text);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        return command;
    }

    /// <summary>Whether the words match any entry of the type the caller may see, whatever the filters.</summary>
    private async Task<bool> WordsFoundAsync(string objectType, SearchRequest request, SearchVisibility visibility, CancellationToken cancellationToken)
    {
        var sql = new SqlBuilder();
        var visible = Visible(objectType, visibility, sql);
        var text = TextMatch(request, sql)!;
        await using var statement = Command($"SELECT EXISTS (SELECT 1 FROM search_entries e WHERE {visible} AND {text.Exact})", sql.Parameters);
        return (bool)(await statement.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Exact mode from the replica's mirror, for the searches that need every match (words, facets or a
    /// total); null when the mirror is not loaded or a word reads as a phrase. A page an index gives in
    /// order (filters alone, no facets, no total) is left to PostgreSQL, which reads only that page.
    /// </summary>
    private async Task<(SearchResult Result, bool WordsFound)?> FromMirrorAsync(string objectType, SearchRequest request, SearchVisibility visibility, CancellationToken cancellationToken)
    {
        if (mirror is null || (request.Text is null && request.Facets.Count == 0 && !request.Total))
        {
            return null;
        }

        if (!mirror.Ready)
        {
            mirror.RequestLoad();
            return null;
        }

        var words = request.Words.Count == 0 ? [] : await mirror.FormsAsync(request.Words, cancellationToken);
        if (words.Any(w => !w.Single) || await mirror.CurrentAsync(cancellationToken) is not { } index)
        {
            return null;
        }

        var fold = words.Count == 0 ? null : string.Join(' ', words.Select(w => w.Fold));
        var answer = index.Search(objectType, request, visibility, words, fold, CodeText(request));
        mirror.CountAnswer();
        var ids = answer.Ids;
        string? next = null;
        if (ids.Count > request.Limit)
        {
            ids.RemoveAt(ids.Count - 1);
            next = new SearchCursor(request.Sort, KeyText(request.Sort, answer.Keys[request.Limit - 1]), ids[^1]) { Mode = request.Text is not null ? "e" : null }
                .Write(request.Fingerprint());
        }

        return (new SearchResult(ids, next, request.Total ? answer.Total : null, request.Facets.Count > 0 ? Ordered(answer.Tallies) : null), answer.WordsFound);
    }

    private async Task<SearchResult> SearchAsync(string objectType, SearchRequest request, SearchVisibility visibility, string mode, CancellationToken cancellationToken)
    {
        var command = Build(objectType, request, visibility, mode);
        await using var statement = Command(command.Sql, command.Parameters);

        var ids = new List<Guid>(request.Limit + 1);
        object? lastKey = null;
        long? total = null;
        Dictionary<string, IReadOnlyList<FacetCount>>? facets = request.Facets.Count > 0 ? [] : null;
        await using (var reader = await statement.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.IsDBNull(0))
                {
                    total = ReadSummary(reader.IsDBNull(3) ? null : reader.GetString(3), request, command.FacetColumns, facets);
                    continue;
                }

                ids.Add(reader.GetGuid(0));
                if (ids.Count <= request.Limit)
                {
                    lastKey = reader.IsDBNull(1) ? null : reader.GetValue(1);
                }
            }
        }

        string? next = null;
        if (ids.Count > request.Limit)
        {
            ids.RemoveAt(ids.Count - 1);
            next = new SearchCursor(request.Sort, KeyText(request.Sort, lastKey), ids[^1]) { Mode = command.Text ? mode : null }.Write(request.Fingerprint());
        }

        return new SearchResult(ids, next, request.Total ? total ?? 0 : null, facets);
    }

    /// <summary>
    /// Fills <paramref name="facets"/> from the summary row: one <c>[count, c0, c1, …]</c> array per
    /// combination of facet values among the matches. Each facet is the sum over the combinations that
    /// carry a value (every element of an array column counts); the total is the sum of all counts.
    /// </summary>
    private static long? ReadSummary(string? json, SearchRequest request, List<string> columns, Dictionary<string, IReadOnlyList<FacetCount>>? facets)
    {
        long total = 0;
        var counts = request.Facets.ToDictionary(f => f, _ => new Dictionary<string, long>(StringComparer.Ordinal), StringComparer.Ordinal);
        if (json is not null)
        {
            using var document = JsonDocument.Parse(json);
            foreach (var group in document.RootElement.EnumerateArray())
            {
                var n = group[0].GetInt64();
                total += n;
                foreach (var facet in request.Facets)
                {
                    var value = group[1 + columns.IndexOf(FacetColumns[facet].Column)];
                    var tally = counts[facet];
                    if (value.ValueKind == JsonValueKind.String)
                    {
                        tally[value.GetString()!] = tally.GetValueOrDefault(value.GetString()!) + n;
                    }
                    else if (value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var element in value.EnumerateArray())
                        {
                            tally[element.GetString()!] = tally.GetValueOrDefault(element.GetString()!) + n;
                        }
                    }
                }
            }
        }

        if (facets is not null)
        {
            foreach (var (name, list) in Ordered(counts))
            {
                facets[name] = list;
            }
        }

        return total;
    }

    /// <summary>Each facet's counts, most frequent first, then by value, so facets read the same on every call.</summary>
    private static Dictionary<string, IReadOnlyList<FacetCount>> Ordered(Dictionary<string, Dictionary<string, long>> counts) =>
        counts.ToDictionary(
            f => f.Key,
            f => (IReadOnlyList<FacetCount>)f.Value.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => new FacetCount(c.Key, c.Value)).ToList(),
            StringComparer.Ordinal);

    /// <summary>The facet columns: a scalar column, or an array column counted per element.</summary>
    private static readonly Dictionary<string, (string Column, bool Array)> FacetColumns = new(StringComparer.Ordinal)
    {
        ["kind"] = ("kind", false),
        ["status"] = ("lower(status)", false),
        ["provider"] = ("owner", false),
        ["fieldGroup"] = ("field_group", false),
        ["studyField"] = ("study_field", false),
        ["iscedF"] = ("isced_f", true),
        ["ltksLevel"] = ("ltks_level", false),
        ["eqfLevel"] = ("eqf_level::text", false),
        ["cycle"] = ("cycle", false),
        ["studyType"] = ("study_type", false),
        ["language"] = ("languages", true),
        ["form"] = ("forms", true),
    };

    /// <summary>
    /// The facets and total of the matched set <c>hits</c> in one grouping pass: how many matches have each
    /// combination of the facet columns, as one JSON array of <c>[count, c0, c1, …]</c>. The combinations
    /// are few (hundreds), so adding them up per facet in the service costs nothing, where a separate
    /// count per facet read every match once per facet.
    /// </summary>
    private static string SummaryJson(List<string> columns)
    {
        var aliases = columns.Select((_, i) => $"c{i}").ToList();
        var grouping = aliases.Count == 0 ? string.Empty : $" GROUP BY {string.Join(", ", aliases)}";
        return $"SELECT json_agg(json_build_array({string.Join(", ", aliases.Prepend("n"))}))::text FROM (SELECT {string.Join(", ", aliases.Prepend("count(*) AS n"))} FROM hits{grouping}) g";
    }

    /// <summary>Entries of the type that the visibility lets through.</summary>
    private static string Visible(string objectType, SearchVisibility visibility, SqlBuilder sql)
    {
        var type = $"e.object_type = {sql.Add(objectType)}";
        return !visibility.Published ? type
            : visibility.AlsoOwnedBy is { } owner ? $"{type} AND (e.published OR e.owner = {sql.Add(owner)})"
            : $"{type} AND e.published";
    }

    private static string Where(string objectType, SearchRequest request, SearchVisibility visibility, SqlBuilder sql)
    {
        var where = new List<string> { Visible(objectType, visibility, sql) };

        // With words, the text index finds the candidates. A broad filter (kind, status, cycle, study type,
        // language, form: a handful of values, each held by a third of the register or more) is then
        // checked on each candidate: written as a plain condition PostgreSQL would also turn it into a
        // bitmap of its own index and intersect the two, and that bitmap costs more (15 ms for 38 000
        // entries at 100 000 programmes) than checking the few thousand rows the words matched.
        // "(…) IS TRUE" keeps the meaning and is not an index condition. The finer classifications
        // (field group, study field, ISCED-F, levels) and providers stay indexable: where the words match
        // many rows, intersecting with them halves the time (measured at 100 000 and 1 000 000).
        var onRows = request.Text is not null;
        void Add(string condition, bool broad) => where.Add(onRows && broad ? $"({condition}) IS TRUE" : condition);

        void AnyOf<T>(string column, IReadOnlyList<T> values, NpgsqlDbType type, bool broad = false)
        {
            // One value is written as plain equality, so an index that leads with the column (kind, then
            // the sort key) can give rows already in order: "= ANY(array)" cannot.
            if (values.Count == 1)
            {
                Add($"{column} = {sql.Add(values[0]!, type)}", broad);
            }
            else if (values.Count > 1)
            {
                Add($"{column} = ANY({sql.Add(values.ToArray(), NpgsqlDbType.Array | type)})", broad);
            }
        }

        void Overlaps(string column, IReadOnlyList<string> values, bool broad = false)
        {
            if (values.Count > 0)
            {
                Add($"{column} && {sql.Add(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}", broad);
            }
        }

        AnyOf("e.kind", request.Kinds, NpgsqlDbType.Varchar, broad: true);
        AnyOf("e.status", request.Statuses.Select(s => s.ToString()).ToList(), NpgsqlDbType.Varchar, broad: true);
        Overlaps("e.providers", request.Providers);
        AnyOf("e.field_group", request.FieldGroups, NpgsqlDbType.Varchar);
        AnyOf("e.study_field", request.StudyFields, NpgsqlDbType.Varchar);
        Overlaps("e.isced_f_prefixes", request.IscedF);
        AnyOf("e.ltks_level", request.LtksLevels, NpgsqlDbType.Varchar);
        AnyOf("e.eqf_level", request.EqfLevels, NpgsqlDbType.Integer);
        AnyOf("e.cycle", request.Cycles, NpgsqlDbType.Varchar, broad: true);
        AnyOf("e.study_type", request.StudyTypes, NpgsqlDbType.Varchar, broad: true);
        Overlaps("e.languages", request.Languages, broad: true);
        Overlaps("e.forms", request.Forms, broad: true);
        if (request.RegisteredFrom is { } from)
        {
            where.Add($"e.registered_on >= {DateParameter(from, sql)}");
        }

        if (request.RegisteredTo is { } to)
        {
            where.Add($"e.registered_on <= {DateParameter(to, sql)}");
        }

        if (request.ChangedSince is { } since)
        {
            where.Add($"e.changed_at >= {sql.Add(since)}");
        }

        return string.Join(" AND ", where);
    }

    /// <summary>The two ways a text can match: its words (exact mode) or, when no record has them, as a near-miss.</summary>
    private sealed record TextCondition(string Exact, string? Near);

    /// <summary>
    /// Exact mode: each word must match (AND) its Lithuanian stem, its English stem, or the
    /// beginning of an indexed word; or the text is a code prefix. Near mode, used only when exact
    /// mode finds nothing under the same filters: trigram similarity of the text to codes and names.
    /// Words hold only letters, marks and digits, and travel as parameters.
    /// </summary>
    private static TextCondition? TextMatch(SearchRequest request, SqlBuilder sql)
    {
        if (request.Text is null)
        {
            return null;
        }

        var exact = new List<string>();
        if (TsQuery(request, sql) is { } query)
        {
            exact.Add($"e.document @@ {query}");
        }

        if (CodeText(request) is { } code)
        {
            exact.Add($"e.sort_code LIKE {sql.Add(code + "%", "code_prefix")}");
        }

        var near = NearText(request) is { } folded ? $"{sql.Add(folded, "folded")} <% e.fold" : null;
        return new TextCondition(exact.Count == 0 ? "FALSE" : $"({string.Join(" OR ", exact)})", near);
    }

    /// <summary>The folded text when it is long enough for near-misses (trigram similarity), else null.</summary>
    private static string? NearText(SearchRequest request) => Folded(request) is { Length: >= MinimumTrigramText } folded ? folded : null;

    /// <summary>The matching rows with <paramref name="select"/>'s columns and their mode (<c>e</c> exact, <c>n</c> near).</summary>
    private static string Matched(string filters, TextCondition? text, string mode, Func<bool, string> select)
    {
        string Branch(bool near, string condition) =>
            $"SELECT {select(near)}, '{(near ? 'n' : 'e')}'::text AS mode FROM search_entries e WHERE {filters} AND {condition}";

        if (text is null)
        {
            return $"SELECT {select(false)}, 'e'::text AS mode FROM search_entries e WHERE {filters}";
        }

        return mode == "n" ? Branch(true, text.Near ?? "FALSE") : Branch(false, text.Exact);
    }

    private static string? TsQuery(SearchRequest request, SqlBuilder sql)
    {
        if (request.Words.Count == 0)
        {
            return null;
        }

        if (sql.Named("tsquery") is { } existing)
        {
            return existing;
        }

        var parts = request.Words.Select(word =>
        {
            var exact = sql.Add(word);
            // One or two letters as a prefix would match most of the register; they must match a whole word.
            var prefix = word.Length >= MinimumPrefix ? sql.Add(word + ":*") : exact;
            return $"(to_tsquery('smpkr_lt', {exact}) || to_tsquery('smpkr_en', {exact}) || to_tsquery('smpkr_simple', {prefix}))";
        });
        return sql.Name("tsquery", $"({string.Join(" && ", parts)})");
    }

    /// <summary>The text as the trigram column holds it: lower case; diacritics are folded by the database.</summary>
    private static string? Folded(SearchRequest request) =>
        request.Words.Count == 0 ? null : string.Join(' ', request.Words).ToLowerInvariant();

    /// <summary>The text as a code, when it could be one: one word of ASCII letters and digits with at least one digit (every register code has one).</summary>
    private static string? CodeText(SearchRequest request) =>
        request.Words.Count == 1 && request.Text!.Trim().Length == request.Words[0].Length && request.Words[0].All(char.IsAsciiLetterOrDigit)
            && request.Words[0].Any(char.IsAsciiDigit)
            ? request.Words[0].ToUpperInvariant()
            : null;

    private static bool IsDescending(SearchSort sort) => sort is SearchSort.Relevance or SearchSort.CodeDescending or SearchSort.NameDescending
        or SearchSort.RegisteredOnDescending or SearchSort.ChangedAtDescending;

    private static string? SortKey(SearchRequest request, bool near, SqlBuilder sql) => request.Sort switch
    {
        SearchSort.Relevance => Score(request, near, sql),
        SearchSort.Created => null,
        SearchSort.Code or SearchSort.CodeDescending => "e.sort_code",
        SearchSort.Name or SearchSort.NameDescending => "e.sort_name",
        SearchSort.RegisteredOn or SearchSort.RegisteredOnDescending => "e.sort_registered",
        SearchSort.ChangedAt or SearchSort.ChangedAtDescending => "e.changed_at",
        _ => throw new ArgumentOutOfRangeException(nameof(request)),
    };

    /// <summary>
    /// An exact code (100) or code prefix (50) above any text match; then, in exact mode, the
    /// words found in the code or names (1) above words found only in summaries, a name equal to the
    /// text (1, so "Informatika" comes before "Taikomoji informatika") and shorter names a little
    /// above longer ones; in near mode how closely the text appears in the code and names.
    /// Exact mode's score is plain double arithmetic on values the mirror holds too
    /// (<see cref="MirrorIndex"/> adds the same terms in the same order), so both compute the same
    /// score, bit for bit, and a cursor from one continues in the other.
    /// </summary>
    private static string Score(SearchRequest request, bool near, SqlBuilder sql)
    {
        var score = new StringBuilder("(0::float8");
        if (CodeText(request) is { } code)
        {
            score.Append(CultureInfo.InvariantCulture, $" + CASE WHEN e.sort_code = {sql.Named("code") ?? sql.Add(code, "code")} THEN 100 WHEN e.sort_code LIKE {sql.Named("code_prefix")} THEN 50 ELSE 0 END");
        }

        if (!near && TsQuery(request, sql) is { } query)
        {
            // Words in the code or a name lift a record above those that have them only in a summary;
            // the small vector of code and names alone answers it: the whole document is never read.
            score.Append(CultureInfo.InvariantCulture, $" + CASE WHEN e.title @@ {query} THEN 1 ELSE 0 END");
        }

        if (Folded(request) is { } folded)
        {
            var text = sql.Named("folded") ?? sql.Add(folded, "folded");
            // Near-misses rank by trigram closeness. Exact matches rank a name that is the text itself
            // first, then shorter names: cheap where similarity() over tens of thousands of matches is not.
            score.Append(near
                ? $" + word_similarity({text}, e.fold) + similarity({text}, e.sort_name)"
                : $" + CASE WHEN e.sort_name = smpkr_fold({text}) THEN 1 ELSE 0 END + 0.1::float8 / (1 + length(e.sort_name)::float8 / 10)");
        }

        return score.Append(')').ToString();
    }

    /// <summary>
    /// A date as text cast in SQL: Npgsql would send 0001-01-01 (the sort key of a record never
    /// registered) as -infinity, and a walk by registration date would start again after such a record.
    /// </summary>
    private static string DateParameter(DateOnly date, SqlBuilder sql) =>
        $"{sql.Add(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}::date";

    private static string KeyParameter(SearchCursor cursor, SqlBuilder sql) => cursor.Sort is SearchSort.RegisteredOn or SearchSort.RegisteredOnDescending
        ? DateParameter(cursor.Date, sql)
        : sql.Add(KeyValue(cursor));

    private static object KeyValue(SearchCursor cursor) => cursor.Sort switch
    {
        SearchSort.Relevance => cursor.Score,
        SearchSort.RegisteredOn or SearchSort.RegisteredOnDescending => cursor.Date,
        SearchSort.ChangedAt or SearchSort.ChangedAtDescending => cursor.Instant,
        _ => cursor.Key!,
    };

    private static string? KeyText(SearchSort sort, object? key) => key switch
    {
        null => null,
        double score => SearchCursor.KeyOf(score),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime date when sort is SearchSort.RegisteredOn or SearchSort.RegisteredOnDescending => DateOnly.FromDateTime(date).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime instant => new DateTimeOffset(DateTime.SpecifyKind(instant, DateTimeKind.Utc)).UtcTicks.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset instant => instant.UtcTicks.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(key, CultureInfo.InvariantCulture),
    };

    /// <summary>Numbered parameters of one statement, and named SQL fragments reused within it.</summary>
    private sealed class SqlBuilder
    {
        private readonly List<NpgsqlParameter> _parameters = [];
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

        public string Add(object value, NpgsqlDbType? type = null)
        {
            var parameter = type is { } t ? new NpgsqlParameter { Value = value, NpgsqlDbType = t } : new NpgsqlParameter { Value = value };
            _parameters.Add(parameter);
            return $"${_parameters.Count}";
        }

        public string Add(string value, string name) => Name(name, Add(value));

        public string Name(string name, string fragment) => _names[name] = fragment;

        public string? Named(string name) => _names.GetValueOrDefault(name);

        public IReadOnlyList<NpgsqlParameter> Parameters => _parameters;
    }
}
