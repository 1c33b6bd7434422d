using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Register;

namespace Smpkr.Api.Programmes;

/// <summary>
/// A realistic sample register for the run command: a few hundred programmes of all three kinds
/// from the seeded providers, taken through the real lifecycle (so codes, versions, pending changes,
/// returns, deregistrations and the audit trail are all genuine). Deterministic; loaded once, in
/// Development, into an empty register, by <see cref="SampleData.SampleRegister"/>.
/// </summary>
public static class SampleProgrammes
{
    private const int Seed = 20261128;

    private static readonly (string Lt, string En)[] Qualifiers =
        [("", ""), ("Taikomoji ", "Applied "), ("Tarptautinė ", "International "), ("Skaitmeninė ", "Digital "), ("Verslo ", "Business ")];

    private static readonly Dictionary<char, string> IscedByGroup = new()
    {
        ['A'] = "0541", ['B'] = "0613", ['C'] = "0533", ['D'] = "0511", ['E'] = "0715", ['F'] = "0721", ['G'] = "0912",
        ['H'] = "0841", ['I'] = "0811", ['J'] = "0312", ['K'] = "0421", ['L'] = "0413", ['M'] = "0111", ['N'] = "0222",
        ['P'] = "0213", ['S'] = "1014",
    };

    /// <summary>VET programmes: Lithuanian name, ISCED-F field, LTKS level.</summary>
    private static readonly (string Name, string IscedF, string Ltks)[] Vocational =
    [
        ("Apskaitininko", "0411", "IV"), ("Virėjo", "1013", "IV"), ("Kirpėjo", "1012", "IV"), ("Suvirintojo", "0715", "III"),
        ("Automobilių mechaniko", "0716", "IV"), ("Elektriko", "0713", "IV"), ("Programuotojo", "0613", "IV"), ("Staliaus", "0722", "III"),
        ("Mūrininko", "0732", "III"), ("Slaugytojo padėjėjo", "0913", "IV"), ("Padavėjo ir barmeno", "1013", "III"), ("Siuvėjo", "0723", "III"),
        ("Kompiuterinės įrangos derintojo", "0714", "IV"), ("Logistikos operatoriaus", "1041", "IV"), ("Pardavėjo", "0416", "III"),
        ("Viešbučio darbuotojo", "1015", "IV"), ("Sodininko", "0812", "III"), ("Floristo", "0214", "IV"), ("Kosmetiko", "1012", "IV"),
        ("Santechniko", "0732", "III"), ("Grafinio dizaino", "0211", "IV"), ("Socialinio darbuotojo padėjėjo", "0923", "IV"),
    ];

    private static readonly (string Name, string Level, string Isced, int Years)[] General =
    [
        ("Ikimokyklinio ugdymo metodinės rekomendacijos", "pre-school", "020", 5),
        ("Priešmokyklinio ugdymo bendroji programa", "pre-primary", "020", 1),
        ("Pradinio ugdymo bendroji programa", "primary", "100", 4),
        ("Pagrindinio ugdymo bendroji programa", "lower-secondary", "244", 6),
        ("Vidurinio ugdymo bendroji programa", "upper-secondary", "344", 2),
        ("Suaugusiųjų vidurinio ugdymo programa", "upper-secondary", "344", 3),
    ];

    public static async Task<int> LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var random = new Random(Seed);
        List<(string Code, string NameLt, string? NameEn, string Group)> fields;
        List<(string Code, string Type)> providers;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SmpkrDbContext>();
            fields = (await db.ClassifierItems.AsNoTracking()
                    .Where(i => i.ClassifierAbbreviation == "KL_STUDIJU_KRYPTYS" && i.ParentCode != null)
                    .OrderBy(i => i.Position)
                    .Select(i => new { i.Code, i.NameLt, i.NameEn, i.ParentCode })
                    .ToListAsync(cancellationToken))
                .Select(i => (i.Code, i.NameLt, i.NameEn, i.ParentCode!)).ToList();
            providers = (await db.Providers.AsNoTracking().OrderBy(p => p.Code).Select(p => new { p.Code, p.Type, p.Kinds }).ToListAsync(cancellationToken))
                .Where(p => p.Kinds.Length > 0).Select(p => (p.Code, p.Type)).ToList();
        }

        var count = 0;
        foreach (var provider in providers)
        {
            var bodies = provider.Type switch
            {
                "university" or "college" => Enumerable.Range(0, 14).Select(_ => StudyBody(random, fields, provider.Type)),
                "vet-school" => Enumerable.Range(0, 18).Select(_ => VocationalBody(random)),
                _ when provider.Code == "305238040" => General.Select(g => GeneralBody(g)),
                _ => [],
            };
            foreach (var body in bodies)
            {
                await TakeThroughLifecycleAsync(services, provider.Code, body, random, cancellationToken);
                count++;
            }
        }

        return count;
    }

    private static async Task TakeThroughLifecycleAsync(IServiceProvider services, string owner, JsonObject body, Random random, CancellationToken cancellationToken)
    {
        var providerCaller = new Caller("sample-data", new HashSet<string> { Roles.Provider }, owner, null, "sample-data");
        var registrar = new Caller("sample-registrar", new HashSet<string> { Roles.Registrar }, null, null, "sample-data");
        var fate = random.NextDouble();
        var firstFrom = new DateOnly(2019 + random.Next(5), 9, 1);

        async Task<RecordResponse<ProgrammeBody>> Step(Func<RegisterRecords<ProgrammeBody>, Task<Outcome<RecordResponse<ProgrammeBody>>>> action)
        {
            await using var scope = services.CreateAsyncScope();
            var outcome = await action(scope.ServiceProvider.GetRequiredService<RegisterRecords<ProgrammeBody>>());
            return outcome.Value ?? throw new InvalidOperationException(
                $"Sample programme '{body["name"]?["lt"]}' refused: {outcome.Problem?.Value.Detail}{string.Join("; ", outcome.Errors?.Select(e => $"{e.Path}: {e.Message}") ?? [])}");
        }

        static string Tag(RecordResponse<ProgrammeBody> r) => $"\"{r.Revision}\"";

        var record = await Step(r => r.CreateAsync(body, owner, providerCaller, cancellationToken));
        if (fate < 0.10)
        {
            return;
        }

        record = await Step(r => r.SubmitAsync(record.Id, Tag(record), providerCaller, cancellationToken));
        if (fate < 0.17)
        {
            return;
        }

        if (fate < 0.22)
        {
            await Step(r => r.ReturnAsync(record.Id, new ReturnRequest { Comment = "Patikslinkite studijų rezultatus ir vertinimo metodus." }, Tag(record), registrar, cancellationToken));
            return;
        }

        record = await Step(r => r.ApproveAsync(record.Id, new ApproveRequest { ValidFrom = firstFrom }, Tag(record), registrar, cancellationToken));
        if (fate < 0.40)
        {
            var changed = (JsonObject)body.DeepClone();
            changed["name"]!["en"] = (changed["name"]!["en"]?.GetValue<string>() ?? "Programme") + " (updated)";
            record = await Step(r => r.ReplaceAsync(record.Id, changed, Tag(record), providerCaller, cancellationToken));
            record = await Step(r => r.SubmitAsync(record.Id, Tag(record), providerCaller, cancellationToken));
            await Step(r => r.ApproveAsync(record.Id, new ApproveRequest { ValidFrom = firstFrom.AddYears(2) }, Tag(record), registrar, cancellationToken));
        }
        else if (fate < 0.50)
        {
            var changed = (JsonObject)body.DeepClone();
            changed["summary"] = new JsonObject { ["general"] = new JsonObject { ["lt"] = "Atnaujintas programos aprašas, laukiantis registratoriaus sprendimo." } };
            record = await Step(r => r.ReplaceAsync(record.Id, changed, Tag(record), providerCaller, cancellationToken));
            if (fate >= 0.45)
            {
                await Step(r => r.SubmitAsync(record.Id, Tag(record), providerCaller, cancellationToken));
            }
        }
        else if (fate < 0.58)
        {
            await Step(r => r.DeregisterAsync(record.Id, new DeregisterRequest
            {
                Reason = fate < 0.54 ? "provider-request" : "accreditation-expired",
            }, Tag(record), registrar, cancellationToken));
        }
    }

    private static JsonObject StudyBody(Random random, List<(string Code, string NameLt, string? NameEn, string Group)> fields, string providerType)
    {
        var field = fields[random.Next(fields.Count)];
        var qualifier = Qualifiers[random.Next(Qualifiers.Length)];
        var university = providerType == "university";
        var roll = random.NextDouble();
        var (cycle, ltks, eqf, isced, credits, years) = !university
            ? ("first", "VI", 6, "655", random.Next(2) == 0 ? 180 : 210, random.Next(2) == 0 ? 3 : 3.5)
            : roll switch
            {
                < 0.60 => ("first", "VI", 6, "645", 240, 4.0),
                < 0.92 => ("second", "VII", 7, "746", random.Next(2) == 0 ? 90 : 120, 2.0),
                < 0.96 when field.Group is "G" or "K" or "H" => ("integrated", "VII", 7, "766", 360, 6.0),
                _ => ("first", "VI", 6, "645", 210, 3.5),
            };
        var name = qualifier.Lt.Length == 0 ? field.NameLt : qualifier.Lt + char.ToLowerInvariant(field.NameLt[0]) + field.NameLt[1..];
        var nameEn = field.NameEn is null ? null : qualifier.En + (qualifier.En.Length == 0 ? field.NameEn : char.ToLowerInvariant(field.NameEn[0]) + field.NameEn[1..]);
        var forms = new JsonArray(new JsonObject
        {
            ["form"] = "full-time",
            ["duration"] = years % 1 == 0
                ? new JsonObject { ["value"] = (int)years, ["unit"] = "years" }
                : new JsonObject { ["value"] = (int)(years * 12), ["unit"] = "months" },
        });
        if (random.NextDouble() < 0.3)
        {
            forms.Add(new JsonObject { ["form"] = "part-time", ["duration"] = new JsonObject { ["value"] = (int)Math.Ceiling(years * 1.5), ["unit"] = "years" } });
        }

        var degree = cycle == "second" ? "magistras" : "bakalauras";
        return new JsonObject
        {
            ["kind"] = "study",
            ["name"] = new JsonObject { ["lt"] = name, ["en"] = nameEn },
            ["summary"] = new JsonObject
            {
                ["general"] = new JsonObject { ["lt"] = $"{name} – {(cycle == "second" ? "antrosios" : "pirmosios")} pakopos studijų programa (kryptis: {field.NameLt})." },
                ["learningOutcomes"] = new JsonObject { ["lt"] = "Absolventai geba taikyti krypties žinias, analizuoti problemas ir dirbti komandoje." },
            },
            ["iscedF"] = new JsonArray(IscedByGroup[field.Group[0]]),
            ["iscedLevel"] = isced,
            ["languages"] = random.NextDouble() < 0.25 ? new JsonArray("lt", "en") : new JsonArray("lt"),
            ["studyType"] = university ? "university" : "college",
            ["cycle"] = cycle,
            ["fieldGroup"] = field.Group,
            ["studyField"] = field.Code,
            ["ltksLevel"] = ltks,
            ["eqfLevel"] = eqf,
            ["credits"] = credits,
            ["forms"] = forms,
            ["award"] = new JsonObject { ["lt"] = $"{field.NameLt} ({degree})" },
        };
    }

    private static JsonObject VocationalBody(Random random)
    {
        var (name, iscedF, ltks) = Vocational[random.Next(Vocational.Length)];
        var level = ltks switch { "III" => 3, "V" => 5, _ => 4 };
        var modules = new JsonArray();
        for (var m = 1; m <= 4; m++)
        {
            modules.Add(new JsonObject
            {
                ["code"] = $"{level}{iscedF}1{m:D2}",
                ["name"] = new JsonObject { ["lt"] = m == 1 ? "Įvadas į profesiją" : $"Profesinis modulis {m - 1}" },
                ["credits"] = m == 1 ? 2 : 10 + random.Next(10),
                ["mandatory"] = m < 4,
            });
        }

        return new JsonObject
        {
            ["kind"] = "vocational",
            ["name"] = new JsonObject { ["lt"] = $"{name} modulinė profesinio mokymo programa" },
            ["iscedF"] = new JsonArray(iscedF),
            ["iscedLevel"] = level == 3 ? "353" : "454",
            ["languages"] = new JsonArray("lt"),
            ["modular"] = true,
            ["purpose"] = random.NextDouble() < 0.8 ? "initial" : "continuing",
            ["ltksLevel"] = ltks,
            ["eqfLevel"] = level,
            ["credits"] = level == 3 ? 60 : 90,
            ["duration"] = new JsonObject { ["value"] = level == 3 ? 12 : 18, ["unit"] = "months" },
            ["minimumEducation"] = level == 3 ? "lower-secondary" : "upper-secondary",
            ["award"] = "qualification",
            ["modules"] = modules,
            ["approval"] = new JsonObject { ["number"] = $"SPK-{2019 + random.Next(6)}-{random.Next(1, 40)}", ["date"] = $"20{19 + random.Next(6)}-0{1 + random.Next(9)}-15" },
        };
    }

    private static JsonObject GeneralBody((string Name, string Level, string Isced, int Years) programme) => new()
    {
        ["kind"] = "general",
        ["name"] = new JsonObject { ["lt"] = programme.Name },
        ["iscedF"] = new JsonArray("0011"),
        ["iscedLevel"] = programme.Isced,
        ["languages"] = new JsonArray("lt"),
        ["educationLevel"] = programme.Level,
        ["duration"] = new JsonObject { ["value"] = programme.Years, ["unit"] = "years" },
        ["approval"] = new JsonObject { ["document"] = "Švietimo, mokslo ir sporto ministro įsakymas", ["number"] = "V-1269", ["date"] = "2022-08-24" },
    };
}
