using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Smpkr.Api.Hosting;
using Smpkr.Api.Programmes;
using Smpkr.Api.ProfessionalStandards;
using Smpkr.Api.Qualifications;
using Smpkr.Api.Register;
using Smpkr.Api.Search;
using Smpkr.Api.VetStandards;

namespace Smpkr.Api.Benchmarks;

/// <summary>A derivation run once after the bulk load, in order: SQL run outside a transaction, or code given the database.</summary>
internal sealed record PostGenerationStep(string Name, Func<NpgsqlDataSource, Task> Run)
{
    public static PostGenerationStep Sql(string name, string sql) => new(name, async dataSource =>
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    });
}

/// <summary>
/// Fills a migrated, seeded database with a realistic register: N programmes (study, vocational,
/// general) plus qualifications, professional standards and VET standards in proportion, with
/// valid codes, classifier values, Lithuanian names and summaries, versions and lifecycle states,
/// spread over more providers than the seed has. Deterministic for a seed (ids and timestamps
/// included); written with binary COPY. The search entries are derived with the same code the
/// service uses (<see cref="RegisterType{TBody}.SearchFieldsOf"/> and <see cref="SearchEntry.Fill"/>),
/// so generated records are found exactly as records written through the API are.
/// </summary>
internal sealed class RegisterGenerator(int programmes, int seed)
{
    /// <summary>
    /// What runs after COPY, in order. A table derived from the register adds its step here,
    /// before the statistics are refreshed.
    /// </summary>
    public static readonly List<PostGenerationStep> PostSteps =
    [
        PostGenerationStep.Sql("code sequences", """
            INSERT INTO code_sequences (prefix, last_value)
            SELECT prefix, max(n) FROM (
                SELECT left(code, length(code) - CASE WHEN object_type = 'programme' AND kind = 'vocational' THEN 2 ELSE 3 END) AS prefix,
                       right(code, CASE WHEN object_type = 'programme' AND kind = 'vocational' THEN 2 ELSE 3 END)::int AS n
                FROM register_records
                WHERE code IS NOT NULL AND object_type <> 'vet-standard'
            ) c GROUP BY prefix
            ON CONFLICT (prefix) DO UPDATE SET last_value = greatest(code_sequences.last_value, excluded.last_value)
            """),
        // Study programmes are accredited by the accreditor (SKVC): every registered one has a decision before its
        // registration, and one registered more than six and a half years ago a second, six-odd years later; most
        // accredited (for 7 years), some conditionally (3 years), a few not. Derived from the record's id, so the
        // same seed gives the same decisions.
        PostGenerationStep.Sql("accreditation decisions", """
            WITH p AS (
                SELECT r.id, r.registered_on, ('x' || substr(md5(r.id::text), 1, 8))::bit(32)::int & 2147483647 AS h
                FROM register_records r
                WHERE r.object_type = 'programme' AND r.kind = 'study' AND r.registered_on IS NOT NULL),
            d AS (
                SELECT p.id, p.h, 1 AS n, p.registered_on - (p.h % 90 + 10) AS decided_on,
                       CASE WHEN p.registered_on < DATE '2019-06-01' THEN 'accredited'
                            WHEN p.h % 20 = 0 THEN 'not-accredited' WHEN p.h % 20 < 4 THEN 'accredited-conditionally'
                            ELSE 'accredited' END AS decision
                FROM p
                UNION ALL
                SELECT p.id, p.h, 2, p.registered_on + 6 * 365 + p.h % 200,
                       CASE WHEN p.h % 20 = 0 THEN 'not-accredited' WHEN p.h % 20 < 4 THEN 'accredited-conditionally' ELSE 'accredited' END
                FROM p WHERE p.registered_on < DATE '2019-06-01')
            INSERT INTO accreditations (id, programme_id, decision, decided_on, valid_until, decision_number, scores, recorded_at)
            SELECT md5(d.id::text || ':' || d.n)::uuid, d.id, d.decision, d.decided_on,
                   CASE d.decision WHEN 'accredited' THEN (d.decided_on + interval '7 years' - interval '1 day')::date
                                   WHEN 'accredited-conditionally' THEN (d.decided_on + interval '3 years' - interval '1 day')::date END,
                   'SV6-' || (d.h % 900 + 1) || '/' || extract(year FROM d.decided_on),
                   (SELECT jsonb_agg(jsonb_build_object('criterion', jsonb_build_object('lt', c.lt, 'en', c.en),
                                                        'score', CASE d.decision WHEN 'not-accredited' THEN 1 + (d.h >> c.i) % 2 ELSE 2 + (d.h >> c.i) % 4 END)
                                     ORDER BY c.i)
                    FROM (VALUES (1, 'Studijų tikslai, rezultatai ir turinys', 'Intended and achieved learning outcomes and curriculum'),
                                 (2, 'Mokslo (meno) ir studijų veiklos sąsajos', 'Links between science (art) and studies'),
                                 (3, 'Studentų priėmimas ir parama', 'Student admission and support'),
                                 (4, 'Studijavimas, studentų pasiekimai ir absolventų užimtumas', 'Teaching and learning, student performance and graduate employment'),
                                 (5, 'Dėstytojai', 'Teaching staff'),
                                 (6, 'Studijų materialieji ištekliai', 'Learning facilities and resources'),
                                 (7, 'Studijų kokybės valdymas ir viešinimas', 'Study quality management and public information')) c(i, lt, en)),
                   (d.decided_on + 1)::timestamp AT TIME ZONE 'Europe/Vilnius' + interval '10 hours'
            FROM d
            """),
        new("published records and change feed", async dataSource => await Publication.PublicationBackfill.RunAsync(dataSource, CancellationToken.None)),
        PostGenerationStep.Sql("statistics and visibility map", "VACUUM (ANALYZE) register_records, record_versions, search_entries, providers, accreditations, published_records, feed_entries"),
        // Written out now, so that the load's dirty pages are not flushed during the measurements that follow.
        // (It needs a superuser or pg_checkpoint; without that the step is skipped.)
        new("checkpoint", async dataSource =>
        {
            try
            {
                await PostGenerationStep.Sql("checkpoint", "CHECKPOINT").Run(dataSource);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
            }
        }),
    ];

    private static readonly DateTimeOffset Epoch = new(2012, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Random _random = new(seed);
    private readonly Dictionary<string, int> _sequences = new(StringComparer.Ordinal);
    private readonly JsonSerializerOptions _json = JsonOptions();
    private readonly ProgrammeType _programmes = new();
    private readonly QualificationType _qualifications = new();
    private readonly ProfessionalStandardType _professionalStandards = new();
    private readonly VetStandardType _vetStandards = new();
    private Catalog _catalog = null!;

    public sealed record GenerationSummary(int Records, int Versions, int Providers, TimeSpan Load, TimeSpan PostSteps);

    public async Task<GenerationSummary> RunAsync(string connectionString, Action<string> log)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        _catalog = await Catalog.LoadAsync(dataSource);
        var watch = Stopwatch.StartNew();
        var providers = MakeProviders();
        var records = new List<Generated>(programmes + programmes / 5);
        var total = programmes + programmes / 10 + Math.Max(20, programmes / 200) + Math.Max(20, programmes / 100);
        var standards = Enumerable.Range(0, Math.Max(20, programmes / 200)).Select(i => ProfessionalStandard(i, total)).ToList();
        records.AddRange(standards);
        records.AddRange(Enumerable.Range(0, Math.Max(20, programmes / 100)).Select(i => VetStandard(i, total)));
        records.AddRange(Enumerable.Range(0, programmes / 10).Select(i => Qualification(i, total, standards)));
        records.AddRange(Enumerable.Range(0, programmes).Select(i => Programme(i, total, providers)));

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await CopyProvidersAsync(connection, providers);
            await CopyRecordsAsync(connection, records);
            await CopyVersionsAsync(connection, records);
            await CopySearchEntriesAsync(connection, records);
            await transaction.CommitAsync();
        }

        var load = watch.Elapsed;
        log($"COPY of {records.Count} records, {records.Sum(r => r.Versions.Count)} versions and {providers.Count} extra providers: {load.TotalSeconds:F1} s");
        watch.Restart();
        foreach (var step in PostSteps)
        {
            var stepWatch = Stopwatch.StartNew();
            await step.Run(dataSource);
            log($"{step.Name}: {stepWatch.Elapsed.TotalSeconds:F1} s");
        }

        return new GenerationSummary(records.Count, records.Sum(r => r.Versions.Count), providers.Count, load, watch.Elapsed);
    }

    // ---- what is generated ----------------------------------------------------------------

    private sealed record GeneratedProvider(string Code, string NameLt, string Type, string Kind);

    private sealed record Generated(RegisterRecord Record, List<RecordVersion> Versions, SearchEntry Entry);

    private List<GeneratedProvider> MakeProviders()
    {
        // Schools of every kind, as many as a register of this size has (the seed has only a few).
        var count = Math.Max(30, programmes / 250);
        var list = new List<GeneratedProvider>(count);
        for (var i = 0; i < count; i++)
        {
            var town = Pick(Towns);
            var (name, type, kind) = (i % 10) switch
            {
                < 5 => ($"{town.Genitive} {Pick(SchoolNames)} gimnazija", "general-school", ProgrammeKinds.General),
                < 8 => ($"{town.Genitive} {Pick(VetCentreNames)}", "vet-school", ProgrammeKinds.Vocational),
                _ => ($"{town.Genitive} {Pick(CollegeNames)} kolegija", "college", ProgrammeKinds.Study),
            };
            list.Add(new GeneratedProvider((400000000 + i).ToString(CultureInfo.InvariantCulture), name, type, kind));
        }

        return list;
    }

    private Generated Programme(int index, int total, List<GeneratedProvider> extraProviders)
    {
        var roll = _random.NextDouble();
        var (kindName, owner) = roll switch
        {
            < 0.55 => (ProgrammeKinds.Study, _random.NextDouble() < 0.7 ? Zipf(_catalog.StudyProviders) : Zipf(extraProviders.Where(p => p.Kind == ProgrammeKinds.Study).Select(p => p.Code).ToList())),
            < 0.90 => (ProgrammeKinds.Vocational, _random.NextDouble() < 0.3 ? Pick(_catalog.VetProviders) : Zipf(extraProviders.Where(p => p.Kind == ProgrammeKinds.Vocational).Select(p => p.Code).ToList())),
            _ => (ProgrammeKinds.General, Zipf(extraProviders.Where(p => p.Kind == ProgrammeKinds.General).Select(p => p.Code).ToList())),
        };
        ProgrammeBody body = kindName switch
        {
            ProgrammeKinds.Study => StudyBody(),
            ProgrammeKinds.Vocational => VocationalBody(),
            _ => GeneralBody(),
        };
        return Make(_programmes, body, owner, index + total - programmes, total, kindName, _programmes.Codes);
    }

    private StudyProgramme StudyBody()
    {
        var group = Pick(_catalog.FieldGroups);
        var field = Pick(_catalog.FieldsOf[group.Code]);
        var (studyType, cycle) = _random.NextDouble() switch
        {
            < 0.45 => ("university", "first"),
            < 0.70 => ("college", "first"),
            < 0.90 => ("university", "second"),
            < 0.95 => ("university", "integrated"),
            < 0.98 => ("university", "third"),
            _ => ("university", "non-degree"),
        };
        var level = cycle switch { "first" => "VI", "second" or "integrated" => "VII", "third" => "VIII", _ => "VII" };
        var (name, nameEn) = ProgrammeName(field);
        var forms = new List<StudyForm> { new() { Form = "full-time", Duration = new Duration { Value = cycle == "second" ? 2 : 4, Unit = "years" } } };
        if (_random.NextDouble() < 0.35)
        {
            forms.Add(new StudyForm { Form = "part-time", Duration = new Duration { Value = cycle == "second" ? 3 : 5, Unit = "years" } });
        }

        return new StudyProgramme
        {
            Name = new LocalizedTextInput(name, nameEn),
            Summary = Summary(field.NameLt, field.NameEn),
            IscedF = [Pick(_catalog.DetailedIscedF)],
            IscedLevel = cycle switch { "first" => studyType == "college" ? "655" : "645", "third" => "844", _ => "746" },
            Languages = _random.NextDouble() < 0.3 ? ["lt", "en"] : _random.NextDouble() < 0.05 ? ["en"] : ["lt"],
            StudyType = studyType,
            Cycle = cycle,
            FieldGroup = group.Code,
            StudyField = field.Code,
            SecondFieldGroup = _random.NextDouble() < 0.08 ? Pick(_catalog.FieldGroups.Where(g => g.Code != group.Code).ToList()).Code : null,
            LtksLevel = level,
            EqfLevel = Levels.Number(level),
            Credits = cycle switch { "second" => 120, "integrated" => 360, "third" => 240, _ => 240 },
            Forms = forms,
            Award = new LocalizedTextInput($"{field.NameLt} {(cycle == "second" ? "magistras" : "bakalauras")}", null),
        };
    }

    private VocationalProgramme VocationalBody()
    {
        var occupation = Pick(Occupations);
        var level = Pick(["II", "III", "IV", "IV", "IV", "V"]);
        var modular = _random.NextDouble() < 0.85;
        return new VocationalProgramme
        {
            Name = new LocalizedTextInput($"{occupation.Genitive} {(modular ? "modulinė " : string.Empty)}profesinio mokymo programa", $"{occupation.English} {(modular ? "modular " : string.Empty)}vocational training programme"),
            Summary = Summary(occupation.Nominative, occupation.English),
            IscedF = [occupation.IscedF],
            IscedLevel = level == "V" ? "454" : "354",
            Languages = ["lt"],
            Modular = modular,
            Purpose = _random.NextDouble() < 0.8 ? "initial" : "continuing",
            LtksLevel = level,
            EqfLevel = Levels.Number(level),
            Credits = Pick([30, 60, 90, 110]),
            Duration = new Duration { Value = Pick([6, 12, 18, 24]), Unit = "months" },
            MinimumEducation = Pick(["lower-secondary", "upper-secondary", "none"]),
            Award = "qualification",
            Modules = [.. Enumerable.Range(1, 3).Select(m => new ProgrammeModule
            {
                Code = $"{occupation.IscedF}{m:D3}",
                Name = new LocalizedTextInput(m == 1 ? "Įvadas į profesiją" : $"{occupation.Nominative}: {Pick(ModuleTopics)}", null),
                Credits = 5 * m,
                Mandatory = m < 3,
            })],
        };
    }

    private GeneralProgramme GeneralBody()
    {
        var (level, name, isced) = Pick(GeneralLevels);
        return new GeneralProgramme
        {
            Name = new LocalizedTextInput($"{name} programa{(_random.NextDouble() < 0.5 ? $" ({Pick(GeneralProfiles)})" : string.Empty)}", null),
            Summary = Summary(name.ToLowerInvariant(), null),
            IscedLevel = isced,
            Languages = _random.NextDouble() < 0.1 ? ["lt", Pick(["pl", "ru", "en"])] : ["lt"],
            EducationLevel = level,
            Duration = new Duration { Value = level == "primary" ? 4 : level == "upper-secondary" ? 2 : 6, Unit = "years" },
        };
    }

    private Generated Qualification(int index, int total, List<Generated> standards)
    {
        var occupation = Pick(Occupations);
        var level = Pick(["II", "III", "IV", "IV", "V", "VI"]);
        var body = new QualificationBody
        {
            Name = new LocalizedTextInput($"{occupation.Nominative} ({level} lygis){(index >= Occupations.Length ? $" {index / Occupations.Length + 1}" : string.Empty)}", $"{occupation.English} (level {Levels.Number(level)})"),
            Type = "for-work",
            LtksLevel = level,
            EqfLevel = Levels.Number(level),
            IscedF = [occupation.IscedF],
            ProfessionalStandardCode = Pick(standards).Record.Code,
            Units = [.. Enumerable.Range(1, 2).Select(u => new QualificationUnit
            {
                Code = $"U{u}",
                Name = new LocalizedTextInput($"{occupation.Nominative}: {Pick(ModuleTopics)}", null),
                Competences = [new LocalizedTextInput(Pick(Competences), null)],
            })],
            Occupations = [occupation.Nominative],
            Description = new LocalizedLongTextInput($"Kvalifikacija suteikiama asmeniui, gebančiam {Pick(Competences).ToLowerInvariant()}.", null),
        };
        return Make(_qualifications, body, "193135687", index + standards.Count + Math.Max(20, programmes / 100), total, null, _qualifications);
    }

    private Generated ProfessionalStandard(int index, int total)
    {
        var sector = Sectors[index % Sectors.Length];
        var body = new ProfessionalStandardBody
        {
            Name = new LocalizedTextInput($"{sector.Lt} sektoriaus profesinis standartas{(index >= Sectors.Length ? $" {index / Sectors.Length + 1}" : string.Empty)}", $"{sector.En} sector professional standard"),
            Sector = new LocalizedTextInput($"{sector.Lt} sektorius", sector.En),
            Approval = new StandardApproval { Body = "Kvalifikacijų ir profesinio mokymo plėtros centras", OrderNumber = $"V-{100 + index}", Date = new DateOnly(2018, 1, 1).AddDays(index % 2000) },
            Description = new LocalizedLongTextInput($"Standartas aprašo {sector.Lt.ToLowerInvariant()} sektoriaus kvalifikacijas ir kompetencijas.", null),
        };
        return Make(_professionalStandards, body, "193135687", index, total, null, _professionalStandards);
    }

    private Generated VetStandard(int index, int total)
    {
        var occupation = Occupations[index % Occupations.Length];
        var level = Pick(["II", "III", "IV", "V"]);
        var body = new VetStandardBody
        {
            LegacyCode = $"S{occupation.IscedF}{index:D4}",
            Name = new LocalizedTextInput($"{occupation.Genitive} rengimo standartas", $"{occupation.English} training standard"),
            LtksLevel = level,
            IscedF = [occupation.IscedF],
            ApprovedOn = new DateOnly(2008, 1, 1).AddDays(index % 3000),
        };
        return Make(_vetStandards, body, "193135687", index + Math.Max(20, programmes / 200), total, null, _vetStandards);
    }

    /// <summary>One record of any type: lifecycle state, code, versions and search entry, from its body.</summary>
    private Generated Make<TBody>(RegisterType<TBody> type, TBody body, string owner, int position, int total, string? kind, ICodeStrategy<TBody> codes)
        where TBody : class
    {
        // Creation times spread evenly over the years up to now, in generation order, so ids (UUIDv7) follow them.
        var span = DateTimeOffset.UtcNow.AddDays(-1) - Epoch;
        var created = Epoch + TimeSpan.FromTicks(span.Ticks / total * position);
        var roll = _random.NextDouble();
        var status = roll switch
        {
            < 0.80 => RecordStatus.Registered,
            < 0.88 => RecordStatus.Deregistered,
            < 0.96 => RecordStatus.Draft,
            _ => RecordStatus.Submitted,
        };
        var content = JsonSerializer.Serialize(body, _json);
        var name = type.NameOf(body);
        var record = new RegisterRecord
        {
            Id = DeterministicId(created),
            ObjectType = type.ObjectType,
            Kind = kind,
            Status = status,
            Revision = 1,
            Owner = owner,
            CoProviders = [.. type.CoProvidersOf(body)],
            NameLt = name.Lt!,
            NameEn = name.En,
            CreatedAt = created,
            UpdatedAt = created,
        };
        var versions = new List<RecordVersion>();
        if (status is RecordStatus.Registered or RecordStatus.Deregistered)
        {
            record.Code = Code(codes, body);
            var registered = DateOnly.FromDateTime(created.AddDays(30).UtcDateTime);
            record.RegisteredOn = registered;
            var count = _random.NextDouble() < 0.15 ? 2 : 1;
            for (var v = 1; v <= count; v++)
            {
                var from = registered.AddDays((v - 1) * 365);
                versions.Add(new RecordVersion { RecordId = record.Id, Version = v, Content = content, ValidFrom = from, RecordedAt = created.AddDays(30 + (v - 1) * 365) });
            }

            record.CurrentVersion = count;
            record.LastChangedOn = versions[^1].ValidFrom;
            record.Revision = 3 * count;
            record.UpdatedAt = versions[^1].RecordedAt;
            if (status == RecordStatus.Deregistered)
            {
                record.DeregisteredOn = versions[^1].ValidFrom.AddDays(400);
                record.DeregistrationReason = "discontinued";
                record.Revision++;
            }
        }
        else
        {
            record.Working = content;
            if (status == RecordStatus.Submitted)
            {
                record.Revision = 2;
            }
        }

        var entry = new SearchEntry { RecordId = record.Id, ObjectType = record.ObjectType, Owner = owner, NameLt = record.NameLt };
        entry.Fill(record, type.SearchFieldsOf(body));
        return new Generated(record, versions, entry);
    }

    private string Code<TBody>(ICodeStrategy<TBody> codes, TBody body)
    {
        if (codes.FixedCodeFor(body) is { } fixedCode)
        {
            return fixedCode;
        }

        var prefix = codes.PrefixFor(body);
        var digits = codes.SequenceDigitsFor(body);
        var next = _sequences[prefix] = _sequences.GetValueOrDefault(prefix) + 1;

        // A full prefix (999 study programmes of one kind and field group) continues with a legacy-style code.
        return next < Math.Pow(10, digits)
            ? prefix + next.ToString(new string('0', digits), CultureInfo.InvariantCulture)
            : $"{prefix}L{next:D5}";
    }

    private ProgrammeSummary Summary(string subject, string? subjectEn)
    {
        var lower = subject.ToLowerInvariant();
        return new ProgrammeSummary
        {
            General = new LocalizedLongTextInput(
                $"Programa rengia {lower} srities specialistus, gebančius {Pick(Competences).ToLowerInvariant()}. {Pick(SummarySentences)}",
                subjectEn is null ? null : $"The programme prepares {subjectEn.ToLowerInvariant()} specialists. {Pick(SummarySentencesEn)}"),
            Aims = new LocalizedLongTextInput($"Parengti {lower} specialistus, {Pick(AimEndings)}.", null),
        };
    }

    private (string Lt, string? En) ProgrammeName(Catalog.Item field)
    {
        var roll = _random.NextDouble();
        if (roll < 0.55)
        {
            return (field.NameLt, field.NameEn);
        }

        if (roll < 0.8)
        {
            var (lt, en) = Pick(NameModifiers);
            return ($"{lt} {field.NameLt.ToLowerInvariant()}", en is null || field.NameEn is null ? null : $"{en} {field.NameEn}");
        }

        var other = Pick(_catalog.AllFields);
        return ($"{field.NameLt} ir {other.NameLt.ToLowerInvariant()}", field.NameEn is null || other.NameEn is null ? null : $"{field.NameEn} and {other.NameEn}");
    }

    private Guid DeterministicId(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        var millis = at.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(millis >> (8 * (5 - i)));
        }

        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A few providers run most programmes, as in the real register.</summary>
    private string Zipf(List<string> items)
    {
        var weight = _random.NextDouble();
        return items[(int)Math.Min(items.Count - 1, Math.Floor(items.Count * weight * weight))];
    }

    private static JsonSerializerOptions JsonOptions()
    {
        var options = new JsonOptions();
        JsonSetup.Apply(options.SerializerOptions);
        return new RegisterBodies(Options.Create(options)).Options;
    }

    // ---- COPY ------------------------------------------------------------------------------

    private static async Task CopyProvidersAsync(NpgsqlConnection connection, List<GeneratedProvider> providers)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY providers (code, code_type, name_lt, type, kinds, revision, updated_at) FROM STDIN (FORMAT BINARY)");
        foreach (var provider in providers)
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(provider.Code, NpgsqlDbType.Text);
            await importer.WriteAsync("legal-entity", NpgsqlDbType.Text);
            await importer.WriteAsync(provider.NameLt, NpgsqlDbType.Text);
            await importer.WriteAsync(provider.Type, NpgsqlDbType.Text);
            await importer.WriteAsync(new[] { provider.Kind }, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await importer.WriteAsync(1, NpgsqlDbType.Integer);
            await importer.WriteAsync(Epoch, NpgsqlDbType.TimestampTz);
        }

        await importer.CompleteAsync();
    }

    private static async Task CopyRecordsAsync(NpgsqlConnection connection, List<Generated> records)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY register_records (id, object_type, kind, code, status, revision, owner, co_providers, working, current_version, name_lt, name_en, " +
            "registered_on, last_changed_on, deregistered_on, deregistration_reason, created_at, updated_at) FROM STDIN (FORMAT BINARY)");
        foreach (var r in records.Select(g => g.Record))
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(r.Id, NpgsqlDbType.Uuid);
            await importer.WriteAsync(r.ObjectType, NpgsqlDbType.Text);
            await importer.WriteAsync(r.Kind, NpgsqlDbType.Text);
            await importer.WriteAsync(r.Code, NpgsqlDbType.Text);
            await importer.WriteAsync(r.Status.ToString(), NpgsqlDbType.Text);
            await importer.WriteAsync(r.Revision, NpgsqlDbType.Integer);
            await importer.WriteAsync(r.Owner, NpgsqlDbType.Text);
            await importer.WriteAsync(r.CoProviders, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await importer.WriteAsync(r.Working, NpgsqlDbType.Jsonb);
            await importer.WriteAsync(r.CurrentVersion, NpgsqlDbType.Integer);
            await importer.WriteAsync(r.NameLt, NpgsqlDbType.Text);
            await importer.WriteAsync(r.NameEn, NpgsqlDbType.Text);
            await importer.WriteAsync(r.RegisteredOn, NpgsqlDbType.Date);
            await importer.WriteAsync(r.LastChangedOn, NpgsqlDbType.Date);
            await importer.WriteAsync(r.DeregisteredOn, NpgsqlDbType.Date);
            await importer.WriteAsync(r.DeregistrationReason, NpgsqlDbType.Text);
            await importer.WriteAsync(r.CreatedAt, NpgsqlDbType.TimestampTz);
            await importer.WriteAsync(r.UpdatedAt, NpgsqlDbType.TimestampTz);
        }

        await importer.CompleteAsync();
    }

    private static async Task CopyVersionsAsync(NpgsqlConnection connection, List<Generated> records)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY record_versions (record_id, version, content, valid_from, recorded_at) FROM STDIN (FORMAT BINARY)");
        foreach (var v in records.SelectMany(g => g.Versions))
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(v.RecordId, NpgsqlDbType.Uuid);
            await importer.WriteAsync(v.Version, NpgsqlDbType.Integer);
            await importer.WriteAsync(v.Content, NpgsqlDbType.Jsonb);
            await importer.WriteAsync(v.ValidFrom, NpgsqlDbType.Date);
            await importer.WriteAsync(v.RecordedAt, NpgsqlDbType.TimestampTz);
        }

        await importer.CompleteAsync();
    }

    private static async Task CopySearchEntriesAsync(NpgsqlConnection connection, List<Generated> records)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY search_entries (record_id, object_type, kind, status, published, owner, providers, code, name_lt, name_en, summary_lt, summary_en, " +
            "field_group, study_field, isced_f, isced_f_prefixes, ltks_level, eqf_level, cycle, study_type, languages, forms, registered_on, changed_at) " +
            "FROM STDIN (FORMAT BINARY)");
        foreach (var e in records.Select(g => g.Entry))
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(e.RecordId, NpgsqlDbType.Uuid);
            await importer.WriteAsync(e.ObjectType, NpgsqlDbType.Text);
            await importer.WriteAsync(e.Kind, NpgsqlDbType.Text);
            await importer.WriteAsync(e.Status.ToString(), NpgsqlDbType.Text);
            await importer.WriteAsync(e.Published, NpgsqlDbType.Boolean);
            await importer.WriteAsync(e.Owner, NpgsqlDbType.Text);
            await importer.WriteAsync(e.Providers, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await importer.WriteAsync(e.Code, NpgsqlDbType.Text);
            await importer.WriteAsync(e.NameLt, NpgsqlDbType.Text);
            await importer.WriteAsync(e.NameEn, NpgsqlDbType.Text);
            await importer.WriteAsync(e.SummaryLt, NpgsqlDbType.Text);
            await importer.WriteAsync(e.SummaryEn, NpgsqlDbType.Text);
            await importer.WriteAsync(e.FieldGroup, NpgsqlDbType.Text);
            await importer.WriteAsync(e.StudyField, NpgsqlDbType.Text);
            await importer.WriteAsync(e.IscedF, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await importer.WriteAsync(e.IscedFPrefixes, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await importer.WriteAsync(e.LtksLevel, NpgsqlDbType.Text);
            await importer.WriteAsync(e.EqfLevel, NpgsqlDbType.Integer);
            await importer.WriteAsync(e.Cycle, NpgsqlDbType.Text);
            await importer.WriteAsync(e.StudyType, NpgsqlDbType.Text);
            await importer.WriteAsync(e.Languages, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await importer.WriteAsync(e.Forms, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await importer.WriteAsync(e.RegisteredOn, NpgsqlDbType.Date);
            await importer.WriteAsync(e.ChangedAt, NpgsqlDbType.TimestampTz);
        }

        await importer.CompleteAsync();
    }

    // ---- the classifiers and words names are made of ---------------------------------------

    private sealed class Catalog
    {
        public sealed record Item(string Code, string NameLt, string? NameEn, string? Parent);

        public required List<Item> FieldGroups { get; init; }

        public required Dictionary<string, List<Item>> FieldsOf { get; init; }

        public required List<Item> AllFields { get; init; }

        public required List<string> DetailedIscedF { get; init; }

        public required List<string> StudyProviders { get; init; }

        public required List<string> VetProviders { get; init; }

        public static async Task<Catalog> LoadAsync(NpgsqlDataSource dataSource)
        {
            var items = new List<(string Classifier, Item Item)>();
            await using (var command = dataSource.CreateCommand(
                "SELECT classifier_abbreviation, code, name_lt, name_en, parent_code FROM classifier_items ORDER BY classifier_abbreviation, position, code"))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    items.Add((reader.GetString(0), new Item(reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4))));
                }
            }

            var providers = new List<(string Code, string[] Kinds)>();
            await using (var command = dataSource.CreateCommand("SELECT code, kinds FROM providers ORDER BY code"))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    providers.Add((reader.GetString(0), reader.GetFieldValue<string[]>(1)));
                }
            }

            List<Item> Of(string classifier) => [.. items.Where(i => i.Classifier == classifier).Select(i => i.Item)];
            var fields = Of("KL_STUDIJU_KRYPTYS").Where(f => f.Parent is not null).ToList();
            var groups = Of("KL_STUDIJU_KRYPCIU_GRUPES").Where(g => fields.Any(f => f.Parent == g.Code)).ToList();
            return new Catalog
            {
                FieldGroups = groups,
                FieldsOf = groups.ToDictionary(g => g.Code, g => fields.Where(f => f.Parent == g.Code).ToList()),
                AllFields = fields,
                DetailedIscedF = [.. Of("KL_ISCED_F").Select(i => i.Code).Where(c => c.Length == 4 && !c.EndsWith('0') && !c.EndsWith('8') && !c.EndsWith('9'))],
                StudyProviders = [.. providers.Where(p => p.Kinds.Contains(ProgrammeKinds.Study)).Select(p => p.Code)],
                VetProviders = [.. providers.Where(p => p.Kinds.Contains(ProgrammeKinds.Vocational)).Select(p => p.Code)],
            };
        }
    }

    private sealed record Town(string Nominative, string Genitive);

    private sealed record Occupation(string Nominative, string Genitive, string English, string IscedF);

    private static readonly Town[] Towns =
    [
        new("Vilnius", "Vilniaus"), new("Kaunas", "Kauno"), new("Klaipėda", "Klaipėdos"), new("Šiauliai", "Šiaulių"),
        new("Panevėžys", "Panevėžio"), new("Alytus", "Alytaus"), new("Marijampolė", "Marijampolės"), new("Mažeikiai", "Mažeikių"),
        new("Jonava", "Jonavos"), new("Utena", "Utenos"), new("Kėdainiai", "Kėdainių"), new("Telšiai", "Telšių"),
        new("Tauragė", "Tauragės"), new("Ukmergė", "Ukmergės"), new("Visaginas", "Visagino"), new("Plungė", "Plungės"),
        new("Kretinga", "Kretingos"), new("Šilutė", "Šilutės"), new("Radviliškis", "Radviliškio"), new("Druskininkai", "Druskininkų"),
    ];

    private static readonly string[] SchoolNames =
        ["Vytauto Didžiojo", "Simono Daukanto", "Maironio", "Žemynos", "Juozo Balčikonio", "Salomėjos Nėries", "Antano Vienuolio", "Jono Basanavičiaus", "Vinco Kudirkos", "Ąžuolyno", "Saulėtekio", "Šilo"];

    private static readonly string[] VetCentreNames =
        ["profesinio rengimo centras", "technologijų mokymo centras", "paslaugų verslo mokykla", "politechnikos mokykla", "statybininkų rengimo centras", "žemės ūkio mokykla"];

    private static readonly string[] CollegeNames = ["technikos", "verslo", "socialinių mokslų", "technologijų", "menų"];

    private static readonly Occupation[] Occupations =
    [
        new("Apskaitininkas", "Apskaitininko", "Accountant", "0411"),
        new("Virėjas", "Virėjo", "Cook", "1013"),
        new("Kirpėjas", "Kirpėjo", "Hairdresser", "1012"),
        new("Suvirintojas", "Suvirintojo", "Welder", "0715"),
        new("Elektrikas", "Elektriko", "Electrician", "0713"),
        new("Automobilių mechanikas", "Automobilių mechaniko", "Car mechanic", "0716"),
        new("Programuotojas", "Programuotojo", "Programmer", "0613"),
        new("Kompiuterių tinklų derintojas", "Kompiuterių tinklų derintojo", "Computer network technician", "0612"),
        new("Slaugytojo padėjėjas", "Slaugytojo padėjėjo", "Nursing assistant", "0913"),
        new("Stalius", "Staliaus", "Joiner", "0722"),
        new("Padavėjas ir barmenas", "Padavėjo ir barmeno", "Waiter and bartender", "1013"),
        new("Apdailininkas", "Apdailininko", "Finishing worker", "0732"),
        new("Mūrininkas", "Mūrininko", "Bricklayer", "0732"),
        new("Floristas", "Floristo", "Florist", "0214"),
        new("Logistikos operatorius", "Logistikos operatoriaus", "Logistics operator", "1041"),
        new("Socialinio darbuotojo padėjėjas", "Socialinio darbuotojo padėjėjo", "Social worker assistant", "0923"),
        new("Konditeris", "Konditerio", "Confectioner", "0721"),
        new("Kelionių agentas", "Kelionių agento", "Travel agent", "1015"),
        new("Ūkininkas", "Ūkininko", "Farmer", "0811"),
        new("Miškininkas", "Miškininko", "Forester", "0821"),
        new("Siuvėjas", "Siuvėjo", "Tailor", "0723"),
        new("Vairuotojas ekspeditorius", "Vairuotojo ekspeditoriaus", "Driver and forwarder", "1041"),
        new("Grafinio dizaino maketuotojas", "Grafinio dizaino maketuotojo", "Graphic layout designer", "0211"),
        new("Kosmetikas", "Kosmetiko", "Beautician", "1012"),
    ];

    private static readonly (string Level, string Name, string Isced)[] GeneralLevels =
    [
        ("pre-school", "Ikimokyklinio ugdymo", "020"), ("pre-primary", "Priešmokyklinio ugdymo", "020"), ("primary", "Pradinio ugdymo", "100"),
        ("lower-secondary", "Pagrindinio ugdymo", "244"), ("upper-secondary", "Vidurinio ugdymo", "344"),
    ];

    private static readonly string[] GeneralProfiles = ["gamtamokslinė kryptis", "humanitarinė kryptis", "meninis ugdymas", "sportinis ugdymas", "tarptautinio bakalaureato", "inžinerinė kryptis"];

    private static readonly (string Lt, string? En)[] NameModifiers =
    [
        ("Taikomoji", "Applied"), ("Tarptautinė", "International"), ("Skaitmeninė", "Digital"), ("Verslo", "Business"),
        ("Šiuolaikinė", "Contemporary"), ("Inžinerinė", "Engineering"), ("Socialinė", null), ("Kūrybinė", "Creative"),
    ];

    private static readonly string[] Competences =
    [
        "Analizuoti duomenis ir priimti sprendimus", "Kurti ir prižiūrėti informacines sistemas", "Organizuoti komandos darbą",
        "Vertinti rizikas ir kokybę", "Bendrauti su klientais ir partneriais", "Taikyti mokslinių tyrimų metodus",
        "Planuoti ir valdyti projektus", "Rengti dokumentaciją pagal teisės aktus", "Dirbti saugiai ir tausoti aplinką",
        "Mokyti ir konsultuoti kitus", "Naudoti skaitmenines technologijas", "Spręsti sudėtingas problemas",
    ];

    private static readonly string[] SummarySentences =
    [
        "Studentai atlieka praktiką įmonėse ir dalyvauja tarptautiniuose projektuose.", "Daug dėmesio skiriama praktiniams įgūdžiams ir laboratoriniams darbams.",
        "Absolventai dirba valstybės institucijose, verslo įmonėse ir nevyriausybinėse organizacijose.", "Programa vykdoma bendradarbiaujant su socialiniais partneriais.",
        "Mokymasis grindžiamas probleminiu mokymu ir komandiniu darbu.", "Programos dėstytojai – pripažinti savo srities mokslininkai ir praktikai.",
    ];

    private static readonly string[] SummarySentencesEn =
    [
        "Students complete internships and take part in international projects.", "Practical skills and laboratory work receive much attention.",
        "Graduates work in public institutions, businesses and non-governmental organisations.", "The programme is run together with social partners.",
    ];

    private static readonly string[] AimEndings =
    [
        "gebančius savarankiškai spręsti profesines problemas", "pasirengusius dirbti tarptautinėje aplinkoje", "turinčius tvirtus teorinius pagrindus",
        "gebančius kurti inovacijas", "atsakingus ir kritiškai mąstančius",
    ];

    private static readonly string[] ModuleTopics =
    [
        "darbų sauga", "medžiagų pažinimas", "klientų aptarnavimas", "kokybės kontrolė", "įrangos priežiūra", "darbo organizavimas", "praktinis mokymas įmonėje",
    ];

    private static readonly (string Lt, string En)[] Sectors =
    [
        ("Informacijos ir ryšių technologijų", "Information and communication technologies"), ("Apgyvendinimo ir maitinimo", "Accommodation and catering"),
        ("Statybos", "Construction"), ("Transporto ir logistikos", "Transport and logistics"), ("Sveikatos priežiūros", "Health care"),
        ("Žemės ūkio", "Agriculture"), ("Energetikos", "Energy"), ("Finansų ir apskaitos", "Finance and accounting"),
        ("Gamybos", "Manufacturing"), ("Kūrybinių industrijų", "Creative industries"),
    ];
}
