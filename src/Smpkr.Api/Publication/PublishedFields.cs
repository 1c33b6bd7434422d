using System.Text.Json.Nodes;

namespace Smpkr.Api.Publication;

/// <summary>
/// The allow-list: every field that may leave the register through <c>/open/v1</c>, per object type
/// and kind, in one place. The projection copies declared fields only, in declared order, and only
/// when they have the declared shape; anything else in a record (drafts, pending changes, comments,
/// audit data, people, internal ids) has no way out. CSV columns come from the same declaration.
/// </summary>
public static class PublishedFields
{
    /// <summary>The published object types and their resource names, in the order snapshots list them.</summary>
    public static readonly IReadOnlyList<(string Type, string Resource)> Types =
    [
        ("programme", "programmes"),
        ("qualification", "qualifications"),
        ("professional-standard", "professional-standards"),
        ("vet-standard", "vet-standards"),
    ];

    /// <summary>Members an open-data response wraps records in (pages, feed entries, versions, status); never record content.</summary>
    public static readonly IReadOnlySet<string> Protocol = new HashSet<string>(StringComparer.Ordinal)
    {
        "items", "next", "total", "facets", "cursor", "head", "op", "type", "code", "previousCode", "version", "validFrom", "validTo", "at",
        "record", "patch", "versions", "requestedCode", "feedCursor", "takenAt", "types", "lastChangeAt", "oldestCursor", "counts",
    };

    /// <summary>The object type named by a type or resource name (<c>programme</c> or <c>programmes</c>), or null.</summary>
    public static string? TypeNamed(string name) =>
        Types.FirstOrDefault(t => t.Type.Equals(name, StringComparison.OrdinalIgnoreCase) || t.Resource.Equals(name, StringComparison.OrdinalIgnoreCase)).Type;

    /// <summary>What every published record starts with, whatever its type.</summary>
    public static readonly IReadOnlyList<Field> Envelope =
    [
        new Value("type"),
        new Value("code"),
        new Value("kind"),
        new Value("status"),
        new Value("version"),
        new Value("validFrom"),
        new Value("registeredOn"),
        new Value("lastChangedOn"),
        new Value("deregisteredOn"),
        new Value("deregistrationReason"),
        new Value("supersededBy"),
        new Value("equivalent"),
        // A freelance teacher is a person: the projection leaves out the code and name of such a provider.
        new Group("provider", [new Value("code"), new Text("name"), new Value("type")]),
        new Rows("aliases", [new Value("code"), new Value("validFrom"), new Value("validTo")]),
        new Value("publishedAt"),
    ];

    private static readonly Field[] Summary =
    [
        new Group("summary",
        [
            new Text("general"), new Text("aims"), new Text("learningOutcomes"), new Text("structure"),
            new Text("teachingAndLearning"), new Text("assessment"),
        ]),
    ];

    private static readonly Field[] ProgrammeCommon =
    [
        new Text("name"), .. Summary, new Values("coProviders"), new Values("iscedF"), new Value("iscedLevel"),
        new Values("languages"), new Value("qualificationCode"),
    ];

    private static readonly Group Duration = new("duration", [new Value("value"), new Value("unit")]);

    private static readonly Group Approval = new("approval", [new Value("number"), new Value("document"), new Value("date")]);

    /// <summary>A study programme's current accreditation decision (criterion scores stay with the accreditation history).</summary>
    private static readonly Group Accreditation = new("accreditation",
        [new Value("decision"), new Value("decidedOn"), new Value("validUntil"), new Value("decisionNumber")]);

    /// <summary>The body fields of each published object type and kind (the kind is null for types without kinds).</summary>
    public static readonly IReadOnlyDictionary<(string Type, string? Kind), IReadOnlyList<Field>> Bodies =
        new Dictionary<(string, string?), IReadOnlyList<Field>>
        {
            [("programme", "study")] =
            [
                .. ProgrammeCommon, new Value("studyType"), new Value("cycle"), new Value("residency"), new Value("fieldGroup"),
                new Value("studyField"), new Value("secondFieldGroup"), new Value("ltksLevel"), new Value("eqfLevel"),
                new Value("credits"), new Rows("forms", [new Value("form"), Duration, new Value("distance")]), new Text("award"),
                Accreditation,
            ],
            [("programme", "vocational")] =
            [
                .. ProgrammeCommon, new Value("modular"), new Value("purpose"), new Value("ltksLevel"), new Value("eqfLevel"),
                new Value("credits"), Duration, new Value("minimumEducation"), new Text("entryRequirements"), new Value("award"),
                new Rows("modules", [new Value("code"), new Text("name"), new Value("credits"), new Value("mandatory")]), Approval,
            ],
            [("programme", "general")] =
            [
                .. ProgrammeCommon, new Value("educationLevel"), Duration, Approval,
            ],
            [("qualification", null)] =
            [
                new Text("name"), new Value("type"), new Value("ltksLevel"), new Value("eqfLevel"), new Values("iscedF"),
                new Value("professionalStandardCode"),
                new Rows("units", [new Value("code"), new Text("name"), new Texts("competences")]),
                new Values("occupations"), new Texts("documents"), new Text("description"),
            ],
            [("professional-standard", null)] =
            [
                new Text("name"), new Text("sector"),
                new Group("approval", [new Value("body"), new Value("orderNumber"), new Value("date")]),
                new Values("qualificationCodes"), new Text("description"),
            ],
            [("vet-standard", null)] =
            [
                new Value("legacyCode"), new Text("name"), new Value("ltksLevel"), new Values("iscedF"), new Value("approvedOn"),
            ],
        };

    /// <summary>The fields of a record of this type and kind: the envelope, then the body.</summary>
    public static IReadOnlyList<Field> For(string type, string? kind) =>
        Bodies.TryGetValue((type, kind), out var body)
            ? [.. Envelope, .. body]
            : throw new InvalidOperationException($"Nothing of '{type}' ({kind ?? "no kind"}) is declared public.");

    /// <summary>Every kind declared for a type (a single null for types without kinds).</summary>
    public static IReadOnlyList<string?> KindsOf(string type) => [.. Bodies.Keys.Where(k => k.Type == type).Select(k => k.Kind)];

    /// <summary>
    /// Copies the declared fields of <paramref name="source"/> in declared order. A field whose value
    /// does not have the declared shape is left out rather than passed through.
    /// </summary>
    public static JsonObject Project(JsonObject source, IReadOnlyList<Field> fields)
    {
        var target = new JsonObject();
        foreach (var field in fields)
        {
            if (source[field.Name] is { } value && field.Copy(value) is { } copied)
            {
                target[field.Name] = copied;
            }
        }

        return target;
    }

    /// <summary>Every path a published record of this type may contain (<c>a.b</c> for members, <c>a[]</c> for array items).</summary>
    public static ISet<string> Paths(string type)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in KindsOf(type))
        {
            foreach (var field in For(type, kind))
            {
                field.AddPaths(string.Empty, paths);
            }
        }

        return paths;
    }

    /// <summary>The CSV columns of a type: its fields flattened, bilingual text as <c>name_lt</c> and <c>name_en</c>.</summary>
    public static IReadOnlyList<CsvColumn> Columns(string type)
    {
        var columns = new List<CsvColumn>();
        foreach (var kind in KindsOf(type))
        {
            foreach (var field in For(type, kind))
            {
                field.AddColumns([], columns);
            }
        }

        return [.. columns.DistinctBy(c => c.Name)];
    }
}

/// <summary>One public field and its shape.</summary>
public abstract record Field(string Name)
{
    /// <summary>A copy of <paramref name="value"/> when it has this field's shape, else null.</summary>
    public abstract JsonNode? Copy(JsonNode value);

    public abstract void AddPaths(string prefix, ISet<string> paths);

    public abstract void AddColumns(IReadOnlyList<string> parents, List<CsvColumn> columns);

    protected string PathIn(string prefix) => prefix.Length == 0 ? Name : $"{prefix}.{Name}";

    protected static string Snake(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    protected string ColumnName(IReadOnlyList<string> parents, string? suffix = null) =>
        string.Join('_', [.. parents.Select(Snake), Snake(Name), .. suffix is null ? Array.Empty<string>() : [suffix]]);

    protected static bool IsScalar(JsonNode node) => node is JsonValue;
}

/// <summary>A string, number, boolean or date.</summary>
public sealed record Value(string Name) : Field(Name)
{
    public override JsonNode? Copy(JsonNode value) => IsScalar(value) ? value.DeepClone() : null;

    public override void AddPaths(string prefix, ISet<string> paths) => paths.Add(PathIn(prefix));

    public override void AddColumns(IReadOnlyList<string> parents, List<CsvColumn> columns) =>
        columns.Add(new CsvColumn(ColumnName(parents), [.. parents, Name], CsvCell.Scalar));
}

/// <summary>Bilingual text <c>{ "lt": …, "en": … }</c>.</summary>
public sealed record Text(string Name) : Field(Name)
{
    public override JsonNode? Copy(JsonNode value) => CopyText(value);

    public static JsonObject? CopyText(JsonNode value)
    {
        if (value is not JsonObject text)
        {
            return null;
        }

        var copy = new JsonObject();
        foreach (var language in (string[])["lt", "en"])
        {
            if (text[language] is JsonValue item && item.TryGetValue<string>(out var s))
            {
                copy[language] = s;
            }
        }

        return copy.Count > 0 ? copy : null;
    }

    public override void AddPaths(string prefix, ISet<string> paths)
    {
        paths.Add(PathIn(prefix));
        paths.Add(PathIn(prefix) + ".lt");
        paths.Add(PathIn(prefix) + ".en");
    }

    public override void AddColumns(IReadOnlyList<string> parents, List<CsvColumn> columns)
    {
        columns.Add(new CsvColumn(ColumnName(parents, "lt"), [.. parents, Name, "lt"], CsvCell.Scalar));
        columns.Add(new CsvColumn(ColumnName(parents, "en"), [.. parents, Name, "en"], CsvCell.Scalar));
    }
}

/// <summary>A list of strings or numbers (codes); one CSV cell with the items separated by <c>;</c>.</summary>
public sealed record Values(string Name) : Field(Name)
{
    public override JsonNode? Copy(JsonNode value) =>
        value is JsonArray items && items.All(i => i is not null && IsScalar(i)) ? items.DeepClone() : null;

    public override void AddPaths(string prefix, ISet<string> paths)
    {
        paths.Add(PathIn(prefix));
        paths.Add(PathIn(prefix) + "[]");
    }

    public override void AddColumns(IReadOnlyList<string> parents, List<CsvColumn> columns) =>
        columns.Add(new CsvColumn(ColumnName(parents), [.. parents, Name], CsvCell.List));
}

/// <summary>A list of bilingual texts; one CSV cell holding the JSON array.</summary>
public sealed record Texts(string Name) : Field(Name)
{
    public override JsonNode? Copy(JsonNode value)
    {
        if (value is not JsonArray items)
        {
            return null;
        }

        var copy = new JsonArray();
        foreach (var item in items)
        {
            if (item is not null && Text.CopyText(item) is { } text)
            {
                copy.Add(text);
            }
        }

        return copy;
    }

    public override void AddPaths(string prefix, ISet<string> paths)
    {
        paths.Add(PathIn(prefix));
        paths.Add(PathIn(prefix) + "[]");
        paths.Add(PathIn(prefix) + "[].lt");
        paths.Add(PathIn(prefix) + "[].en");
    }

    public override void AddColumns(IReadOnlyList<string> parents, List<CsvColumn> columns) =>
        columns.Add(new CsvColumn(ColumnName(parents), [.. parents, Name], CsvCell.Json));
}

/// <summary>An object with declared members; flattened into CSV columns <c>group_member</c>.</summary>
public sealed record Group(string Name, IReadOnlyList<Field> Fields) : Field(Name)
{
    public override JsonNode? Copy(JsonNode value) =>
        value is JsonObject members && PublishedFields.Project(members, Fields) is { Count: > 0 } copy ? copy : null;

    public override void AddPaths(string prefix, ISet<string> paths)
    {
        paths.Add(PathIn(prefix));
        foreach (var field in Fields)
        {
            field.AddPaths(PathIn(prefix), paths);
        }
    }

    public override void AddColumns(IReadOnlyList<string> parents, List<CsvColumn> columns)
    {
        foreach (var field in Fields)
        {
            field.AddColumns([.. parents, Name], columns);
        }
    }
}

/// <summary>A list of objects with declared members; one CSV cell holding the JSON array.</summary>
public sealed record Rows(string Name, IReadOnlyList<Field> Fields) : Field(Name)
{
    public override JsonNode? Copy(JsonNode value)
    {
        if (value is not JsonArray items)
        {
            return null;
        }

        var copy = new JsonArray();
        foreach (var item in items)
        {
            if (item is JsonObject members)
            {
                copy.Add(PublishedFields.Project(members, Fields));
            }
        }

        return copy;
    }

    public override void AddPaths(string prefix, ISet<string> paths)
    {
        paths.Add(PathIn(prefix));
        paths.Add(PathIn(prefix) + "[]");
        foreach (var field in Fields)
        {
            field.AddPaths(PathIn(prefix) + "[]", paths);
        }
    }

    public override void AddColumns(IReadOnlyList<string> parents, List<CsvColumn> columns) =>
        columns.Add(new CsvColumn(ColumnName(parents), [.. parents, Name], CsvCell.Json));
}

/// <summary>How a CSV cell renders the value at its path.</summary>
public enum CsvCell
{
    Scalar,
    List,
    Json,
}

/// <summary>One CSV column: its header and where its value sits in a published record.</summary>
public sealed record CsvColumn(string Name, IReadOnlyList<string> Path, CsvCell Cell);
