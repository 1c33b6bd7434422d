using System.Globalization;
using System.Text;
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
/// for near-misses, and an exact code or code prefix above everything else. One round trip: the
/// page, and the facets and total of the same filters, in one batch.
/// </summary>
public sealed class RegisterSearch(NpgsqlDataSource dataSource)
{
    /// <summary>The folded text must be this long before trigram similarity may find near-misses.</summary>
    private const int MinimumTrigramText = 4;

    /// <summary>A word this long or longer also matches as the beginning of longer words.</summary>
    private const int MinimumPrefix = 3;

    /// <summary>The statements of one search (the page, then facets and total when asked) and their shared parameters.</summary>
    internal sealed record SearchCommands(string Page, string? Summary, IReadOnlyList<NpgsqlParameter> Parameters, bool Text);

    /// <summary>The SQL a search runs, without running it (the benchmark's database baseline runs the very same text).</summary>
    internal static SearchCommands Build(string objectType, SearchRequest request, SearchVisibility visibility)
    {
        var sql = new SqlBuilder();
        var filters = Where(objectType, request, visibility, sql);
        var text = TextMatch(request, sql);
        var mode = request.After?.Mode;
        var descending = IsDescending(request.Sort);
        var keyed = request.Sort != SearchSort.Created;

        var page = new StringBuilder("SELECT record_id, k, mode FROM (")
            .Append(Matched(filters, text, mode, near => $"e.record_id, {SortKey(request, near, sql) ?? "NULL::text"} AS k"))
            .Append(") h");
        if (request.After is { } after)
        {
            var op = descending ? "<" : ">";
            var id = sql.Add(after.Id);
            page.Append(!keyed
                ? $" WHERE record_id {op} {id}"
                : $" WHERE (k, record_id) {op} ({sql.Add(KeyValue(after))}, {id})");
        }

        var direction = descending ? " DESC" : string.Empty;
        page.Append(!keyed ? $" ORDER BY record_id{direction}" : $" ORDER BY k{direction}, record_id{direction}")
            .Append(" LIMIT ").Append(request.Limit + 1);
        return new SearchCommands(page.ToString(), Summary(request, filters, text, mode), sql.Parameters, text is not null);
    }

    public async Task<SearchResult> SearchAsync(string objectType, SearchRequest request, SearchVisibility visibility, CancellationToken cancellationToken)
    {
        var commands = Build(objectType, request, visibility);
        var mode = request.After?.Mode;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(SqlBuilder.Command(commands.Page, commands.Parameters));
        var summary = commands.Summary;
        if (summary is not null)
        {
            batch.BatchCommands.Add(SqlBuilder.Command(summary, commands.Parameters));
        }

        var ids = new List<Guid>(request.Limit + 1);
        object? lastKey = null;
        long? total = null;
        Dictionary<string, IReadOnlyList<FacetCount>>? facets = request.Facets.Count > 0 ? [] : null;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
                if (ids.Count <= request.Limit)
                {
                    lastKey = reader.IsDBNull(1) ? null : reader.GetValue(1);
                    mode = reader.GetString(2);
                }
            }

            if (summary is not null && await reader.NextResultAsync(cancellationToken))
            {
                var counts = new Dictionary<string, List<FacetCount>>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var facet = reader.GetString(0);
                    if (facet == TotalRow)
                    {
                        total = reader.GetInt64(2);
                    }
                    else if (!reader.IsDBNull(1))
                    {
                        (counts.TryGetValue(facet, out var list) ? list : counts[facet] = []).Add(new FacetCount(reader.GetString(1), reader.GetInt64(2)));
                    }
                }

                foreach (var name in request.Facets)
                {
                    facets![name] = counts.TryGetValue(name, out var list) ? list : [];
                }
            }
        }

        string? next = null;
        if (ids.Count > request.Limit)
        {
            ids.RemoveAt(ids.Count - 1);
            next = new SearchCursor(request.Sort, KeyText(request.Sort, lastKey), ids[^1]) { Mode = commands.Text ? mode : null }.Write(request.Fingerprint());
        }

        return new SearchResult(ids, next, request.Total ? total ?? 0 : null, facets);
    }

    private const string TotalRow = "#total";

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

    private static string? Summary(SearchRequest request, string filters, TextCondition? text, string? mode)
    {
        if (request.Facets.Count == 0 && !request.Total)
        {
            return null;
        }

        var columns = request.Facets.Select(f => FacetColumns[f]).Select(c => c.Column).Distinct().ToList();
        var select = columns.Count == 0 ? "1 AS one" : string.Join(", ", columns.Select((c, i) => $"{c} AS c{i}"));
        var sql = new StringBuilder("WITH hits AS MATERIALIZED (").Append(Matched(filters, text, mode, _ => select)).Append(") ");
        var parts = new List<string>();
        foreach (var facet in request.Facets)
        {
            var (column, array) = FacetColumns[facet];
            var alias = $"c{columns.IndexOf(column)}";
            parts.Add(array
                ? $"SELECT '{facet}'::text, v::text, count(*) FROM hits, unnest(hits.{alias}) v GROUP BY v"
                : $"SELECT '{facet}'::text, {alias}::text, count(*) FROM hits GROUP BY {alias}");
        }

        if (request.Total)
        {
            parts.Add($"SELECT '{TotalRow}'::text, NULL::text, count(*) FROM hits");
        }

        // Most frequent first, then by value, so facets read the same on every call.
        sql.Append("SELECT * FROM (").Append(string.Join(" UNION ALL ", parts)).Append(") f(facet, value, n) ORDER BY facet, n DESC, value");
        return sql.ToString();
    }

    private static string Where(string objectType, SearchRequest request, SearchVisibility visibility, SqlBuilder sql)
    {
        var where = new List<string> { $"e.object_type = {sql.Add(objectType)}" };
        if (visibility.Published)
        {
            where.Add(visibility.AlsoOwnedBy is { } owner ? $"(e.published OR e.owner = {sql.Add(owner)})" : "e.published");
        }

        void AnyOf<T>(string column, IReadOnlyList<T> values, NpgsqlDbType type)
        {
            if (values.Count > 0)
            {
                where.Add($"{column} = ANY({sql.Add(values.ToArray(), NpgsqlDbType.Array | type)})");
            }
        }

        void Overlaps(string column, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                where.Add($"{column} && {sql.Add(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}");
            }
        }

        AnyOf("e.kind", request.Kinds, NpgsqlDbType.Varchar);
        AnyOf("e.status", request.Statuses.Select(s => s.ToString()).ToList(), NpgsqlDbType.Varchar);
        Overlaps("e.providers", request.Providers);
        AnyOf("e.field_group", request.FieldGroups, NpgsqlDbType.Varchar);
        AnyOf("e.study_field", request.StudyFields, NpgsqlDbType.Varchar);
        Overlaps("e.isced_f_prefixes", request.IscedF);
        AnyOf("e.ltks_level", request.LtksLevels, NpgsqlDbType.Varchar);
        AnyOf("e.eqf_level", request.EqfLevels, NpgsqlDbType.Integer);
        AnyOf("e.cycle", request.Cycles, NpgsqlDbType.Varchar);
        AnyOf("e.study_type", request.StudyTypes, NpgsqlDbType.Varchar);
        Overlaps("e.languages", request.Languages);
        Overlaps("e.forms", request.Forms);
        if (request.RegisteredFrom is { } from)
        {
            where.Add($"e.registered_on >= {sql.Add(from)}");
        }

        if (request.RegisteredTo is { } to)
        {
            where.Add($"e.registered_on <= {sql.Add(to)}");
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

        var near = Folded(request) is { Length: >= MinimumTrigramText } folded ? $"{sql.Add(folded, "folded")} <% e.fold" : null;
        return new TextCondition(exact.Count == 0 ? "FALSE" : $"({string.Join(" OR ", exact)})", near);
    }

    /// <summary>
    /// The matching rows with <paramref name="select"/>'s columns and their mode (<c>e</c> exact,
    /// <c>n</c> near). Without a fixed mode, the near branch runs only when the exact one is empty:
    /// an uncorrelated NOT EXISTS over the exact rows already found, which PostgreSQL evaluates once
    /// and which skips the near branch's scans otherwise.
    /// </summary>
    private static string Matched(string filters, TextCondition? text, string? mode, Func<bool, string> select)
    {
        string Branch(bool near, string condition) =>
            $"SELECT {select(near)}, '{(near ? 'n' : 'e')}'::text AS mode FROM search_entries e WHERE {filters} AND {condition}";

        if (text is null)
        {
            return $"SELECT {select(false)}, 'e'::text AS mode FROM search_entries e WHERE {filters}";
        }

        if (mode == "n")
        {
            return Branch(true, text.Near ?? "FALSE");
        }

        if (mode == "e" || text.Near is null)
        {
            return Branch(false, text.Exact);
        }

        return $"WITH exact AS MATERIALIZED ({Branch(false, text.Exact)}) SELECT * FROM exact UNION ALL {Branch(true, text.Near)} AND NOT EXISTS (SELECT 1 FROM exact)";
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

    /// <summary>The text as a code, when it could be one (letters and digits only).</summary>
    private static string? CodeText(SearchRequest request) =>
        request.Words.Count == 1 && request.Text!.Trim().Length == request.Words[0].Length && request.Words[0].All(char.IsAsciiLetterOrDigit)
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
    /// weighted text rank (names count more than summaries) and a name equal to the text (so
    /// "Informatika" comes before "Taikomoji informatika"); in near mode how closely the text
    /// appears in the code and names.
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
            score.Append(CultureInfo.InvariantCulture, $" + ts_rank('{{0.05, 0.2, 0.6, 1.0}}', e.document, {query})");
        }

        if (Folded(request) is { } folded)
        {
            var text = sql.Named("folded") ?? sql.Add(folded, "folded");
            // Near-misses rank by trigram closeness. Exact matches rank a name that is the text itself
            // first, then shorter names: cheap where similarity() over tens of thousands of matches is not.
            score.Append(near
                ? $" + word_similarity({text}, e.fold) + similarity({text}, e.sort_name)"
                : $" + CASE WHEN e.sort_name = smpkr_fold({text}) THEN 1 ELSE 0 END + 0.1 / (1 + length(e.sort_name) / 10.0)");
        }

        return score.Append(')').ToString();
    }

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

    /// <summary>Numbered parameters shared by the commands of one batch, and named SQL fragments reused within it.</summary>
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

        public static NpgsqlBatchCommand Command(string text, IReadOnlyList<NpgsqlParameter> parameters)
        {
            var command = new NpgsqlBatchCommand(text);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(parameter.Clone());
            }

            return command;
        }
    }
}
