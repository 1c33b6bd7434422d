using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Accreditations;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Programmes;
using Smpkr.Api.Qualifications;
using Smpkr.Api.ProfessionalStandards;
using Smpkr.Api.Register;
using Smpkr.Api.VetStandards;

namespace Smpkr.Api.SampleData;

/// <summary>
/// The run command's sample register, loaded once into an empty database in Development
/// (<c>DevServices:SampleData</c>, default true), every object through the real machinery:
/// professional standards of real sectors and their qualifications, legacy VET standards,
/// programmes of all three kinds, accreditations (some expired), a recoded and a superseded programme.
/// </summary>
public static class SampleRegister
{
    private const string Kpmpc = "193135687";

    private static readonly Caller StandardsBody = new("sample-data", new HashSet<string> { Roles.StandardsBody }, Kpmpc, null, "sample-data");
    private static readonly Caller Registrar = new("sample-registrar", new HashSet<string> { Roles.Registrar }, null, null, "sample-data");

    /// <summary>Sectors with one qualification each: (sector, standard name, qualification, LTKS, ISCED-F).</summary>
    private static readonly (string Sector, string SectorEn, string Qualification, string Ltks, string IscedF)[] Sectors =
    [
        ("Informacinių ir ryšių technologijų sektorius", "Information and communication technologies", "Programuotojas", "IV", "0613"),
        ("Statybos sektorius", "Construction", "Mūrininkas", "III", "0732"),
        ("Transporto ir logistikos sektorius", "Transport and logistics", "Logistikos operatorius", "IV", "1041"),
        ("Apgyvendinimo ir maitinimo paslaugų sektorius", "Accommodation and food services", "Virėjas", "IV", "1013"),
        ("Apskaitos ir finansų sektorius", "Accounting and finance", "Apskaitininkas", "IV", "0411"),
    ];

    public static async Task LoadSampleRegisterAsync(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() || !app.Configuration.GetValue("DevServices:SampleData", true))
        {
            return;
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            if (await scope.ServiceProvider.GetRequiredService<SmpkrDbContext>().Records.AnyAsync(app.Lifetime.ApplicationStopping))
            {
                return;
            }
        }

        var watch = Stopwatch.StartNew();
        var counts = await LoadAsync(app.Services, app.Lifetime.ApplicationStopping);
        app.Logger.LogInformation("Loaded a sample register of {Count} objects ({Programmes} programmes) in {Seconds:F1} s",
            counts.Objects, counts.Programmes, watch.Elapsed.TotalSeconds);
    }

    public static async Task<(int Objects, int Programmes)> LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var objects = 0;
        foreach (var (sector, sectorEn, qualification, ltks, iscedF) in Sectors)
        {
            var standard = await RegisterAsync<ProfessionalStandardBody>(services, new JsonObject
            {
                ["name"] = new JsonObject { ["lt"] = $"{sector.Replace(" sektorius", string.Empty, StringComparison.Ordinal)} sektoriaus profesinis standartas" },
                ["sector"] = new JsonObject { ["lt"] = sector, ["en"] = sectorEn },
                ["approval"] = new JsonObject { ["body"] = "Kvalifikacijų ir profesinio mokymo plėtros centras", ["orderNumber"] = "V-117", ["date"] = "2021-03-15" },
            }, cancellationToken);
            await RegisterAsync<QualificationBody>(services, new JsonObject
            {
                ["name"] = new JsonObject { ["lt"] = qualification },
                ["type"] = "for-work",
                ["ltksLevel"] = ltks,
                ["eqfLevel"] = Levels.Number(ltks),
                ["iscedF"] = new JsonArray(iscedF),
                ["professionalStandardCode"] = standard.Code,
                ["documents"] = new JsonArray(new JsonObject { ["lt"] = "Profesinio mokymo diplomas" }),
            }, cancellationToken);
            objects += 2;
        }

        for (var i = 1; i <= 4; i++)
        {
            var legacy = await RegisterAsync<VetStandardBody>(services, new JsonObject
            {
                ["legacyCode"] = $"352110{i}",
                ["name"] = new JsonObject { ["lt"] = $"Profesinio rengimo standartas nr. {i}" },
                ["approvedOn"] = $"200{i}-06-30",
            }, cancellationToken);
            if (i <= 3)
            {
                await Step<VetStandardBody>(services, r => r.DeregisterAsync(legacy.Id,
                    new DeregisterRequest { Reason = "legal-basis-repealed" }, $"\"{legacy.Revision}\"", Registrar, cancellationToken));
            }

            objects++;
        }

        var programmes = await SampleProgrammes.LoadAsync(services, cancellationToken);
        await AccreditAsync(services, cancellationToken);
        await RecodeAndSupersedeAsync(services, cancellationToken);
        return (objects + programmes, programmes);
    }

    private static async Task AccreditAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmpkrDbContext>();
        var study = await db.Records.Where(r => r.Kind == ProgrammeKinds.Study && r.Status == RecordStatus.Registered)
            .OrderBy(r => r.Code).Select(r => r.Id).ToListAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < study.Count; i += 2)
        {
            var expired = i % 6 == 0;
            db.Accreditations.Add(new Accreditation
            {
                Id = Guid.CreateVersion7(),
                ProgrammeId = study[i],
                Decision = i % 10 == 4 ? AccreditationDecisions.Conditionally : AccreditationDecisions.Accredited,
                DecidedOn = expired ? new DateOnly(2017, 6, 28) : new DateOnly(2023, 6, 28),
                ValidUntil = expired ? new DateOnly(2023, 6, 30) : new DateOnly(2029, 6, 30),
                DecisionNumber = $"SV6-{40 + (i % 30)}",
                Scores = """[{"criterion":{"lt":"Studijų tikslai ir rezultatai","en":"Intended and achieved learning outcomes"},"score":4},{"criterion":{"lt":"Studijų turinys","en":"Curriculum"},"score":3}]""",
                RecordedAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task RecodeAndSupersedeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        List<RegisterRecord> registered;
        await using (var scope = services.CreateAsyncScope())
        {
            registered = await scope.ServiceProvider.GetRequiredService<SmpkrDbContext>().Records.AsNoTracking()
                .Where(r => r.Kind == ProgrammeKinds.Study && r.Status == RecordStatus.Registered && r.PendingStatus == null)
                .OrderBy(r => r.Code).Take(3).ToListAsync(cancellationToken);
        }

        if (registered.Count < 3)
        {
            return;
        }

        var recoded = registered[0];
        await Step<ProgrammeBody>(services, r => r.RecodeAsync(recoded.Id,
            new RecodeRequest { Code = recoded.Code![..6] + "9" + recoded.Code[^2..], ValidFrom = services.GetRequiredService<TimeProvider>().TodayInLithuania().AddDays(1), Comment = "Sample recoding." },
            $"\"{recoded.Revision}\"", Registrar, cancellationToken));
        var old = registered[1];
        await Step<ProgrammeBody>(services, r => r.DeregisterAsync(old.Id,
            new DeregisterRequest { Reason = "superseded", SupersededBy = registered[2].Code, Equivalent = true },
            $"\"{old.Revision}\"", Registrar, cancellationToken));
    }

    private static async Task<RecordResponse<TBody>> RegisterAsync<TBody>(IServiceProvider services, JsonObject body, CancellationToken cancellationToken)
        where TBody : class
    {
        var draft = await Step<TBody>(services, r => r.CreateAsync(body, Kpmpc, StandardsBody, cancellationToken));
        var submitted = await Step<TBody>(services, r => r.SubmitAsync(draft.Id, $"\"{draft.Revision}\"", StandardsBody, cancellationToken));
        return await Step<TBody>(services, r => r.ApproveAsync(submitted.Id, new ApproveRequest { ValidFrom = new DateOnly(2022, 1, 1) },
            $"\"{submitted.Revision}\"", Registrar, cancellationToken));
    }

    private static async Task<RecordResponse<TBody>> Step<TBody>(
        IServiceProvider services, Func<RegisterRecords<TBody>, Task<Outcome<RecordResponse<TBody>>>> action)
        where TBody : class
    {
        await using var scope = services.CreateAsyncScope();
        var outcome = await action(scope.ServiceProvider.GetRequiredService<RegisterRecords<TBody>>());
        return outcome.Value ?? throw new InvalidOperationException(
            $"Sample data refused: {outcome.Problem?.Value.Detail}{string.Join("; ", outcome.Errors?.Select(e => $"{e.Path}: {e.Message}") ?? [])}");
    }
}
