using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Audit;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Problems;
using Smpkr.Api.Programmes;
using Smpkr.Api.Register;

namespace Smpkr.Api.Accreditations;

/// <summary>Accreditation decisions on study programmes: the accreditor records them, everyone who sees the programme reads them.</summary>
public static class AccreditationEndpoints
{
    public static void MapAccreditations(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/programmes/{id:guid}/accreditations").WithTags("Accreditations");
        group.MapPost("/", RecordAccreditation).RequireAuthorization(Policies.Accreditor)
            .AddEndpointFilter(Idempotency.FilterAsync)
            .WithSummary("Record an accreditation decision (accreditor)")
            .WithDescription("Adds a decision with its criterion scores to a registered study programme. Decisions are never changed; the latest is current.");
        group.MapGet("/", GetAccreditations)
            .WithSummary("A programme's accreditation")
            .WithDescription("The decision in force (with whether it has expired) and every decision, newest first.");
        api.MapGet("/accreditations/alerts", ListAccreditationAlerts).WithTags("Accreditations").RequireAuthorization(Policies.Registrar)
            .WithSummary("Study programmes whose accreditation expired or expires soon (registrar)")
            .WithDescription("Registered study programmes whose latest decision is not an accreditation, or holds no longer than `withinDays` from today.");
    }

    /// <param name="id">The programme's id.</param>
    /// <param name="input">The decision.</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response instead of recording the decision twice.</param>
    /// <param name="db">The register database.</param>
    /// <param name="bodies">JSON options of the register.</param>
    /// <param name="idempotency">Stores the first response with the decision.</param>
    /// <param name="changeLog">Publishes the programme's new current accreditation.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Created<AccreditationResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RecordAccreditation(
        Guid id, [FromBody] AccreditationInput input, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        SmpkrDbContext db, RegisterBodies bodies, Idempotency idempotency, IChangeLog changeLog, TimeProvider clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var today = clock.TodayInLithuania();
        var errors = Check(input, today);
        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        // The decision shows in the programme's published record, so it is recorded with its feed entry in one transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Locked, so that the published record is made from the programme's state as this transaction commits.
        var programme = await db.Records.FromSql($"SELECT * FROM register_records WHERE id = {id} AND object_type = 'programme' FOR UPDATE")
            .AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (programme is null || !programme.WasRegistered)
        {
            return Problem.NotFound(http, $"No registered programme '{id}' exists.", "record.not-found");
        }

        if (programme.Kind != ProgrammeKinds.Study)
        {
            return Problem.Conflict(http, $"Only study programmes are accredited; {programme.Code} is a {programme.Kind} programme.", "accreditation.not-study");
        }

        var now = clock.GetUtcNow();
        var accreditation = new Accreditation
        {
            Id = Guid.CreateVersion7(now),
            ProgrammeId = id,
            Decision = input.Decision!,
            DecidedOn = input.DecidedOn!.Value,
            ValidUntil = input.ValidUntil,
            DecisionNumber = input.DecisionNumber!,
            Scores = JsonSerializer.Serialize(input.Scores ?? [], bodies.Options),
            RecordedAt = now,
        };
        db.Accreditations.Add(accreditation);
        var response = Response(accreditation, bodies, today);
        AuditLog.Append(db, Caller.From(http), now, "accredit", "programme", programme.Code,
            JsonDiff.Changes(null, JsonSerializer.SerializeToNode(response, bodies.Options)!.AsObject()), id, programme.Owner, programme.CurrentVersion, programme.Revision);
        var location = $"/api/v1/programmes/{id}/accreditations";
        idempotency.Record(db, StatusCodes.Status201Created, location, null, () => JsonSerializer.Serialize(response, bodies.Options), now);
        await db.SaveChangesAsync(cancellationToken);
        await changeLog.AppendAsync(db, programme, ChangeOps.Changed, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created(location, response);
    }

    /// <param name="id">The programme's id.</param>
    /// <param name="db">The register database.</param>
    /// <param name="bodies">JSON options of the register.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<ProgrammeAccreditations>, NotFoundProblem>> GetAccreditations(
        Guid id, SmpkrDbContext db, RegisterBodies bodies, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        var programme = await db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.ObjectType == "programme", cancellationToken);
        if (programme is null || !RecordAccess.CanSee(Caller.From(http), programme))
        {
            return Problem.NotFound(http, $"No programme '{id}' exists for you.", "record.not-found");
        }

        var today = clock.TodayInLithuania();
        var history = (await db.Accreditations.AsNoTracking().Where(a => a.ProgrammeId == id)
                .OrderByDescending(a => a.DecidedOn).ThenByDescending(a => a.RecordedAt).ToListAsync(cancellationToken))
            .Select(a => Response(a, bodies, today)).ToList();
        return TypedResults.Ok(new ProgrammeAccreditations { Code = programme.Code, Current = history.FirstOrDefault(), History = history });
    }

    /// <param name="withinDays">Also list accreditations that end within this many days (0–3650, default 90).</param>
    /// <param name="db">The register database.</param>
    /// <param name="bodies">JSON options of the register.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<AccreditationAlerts>, ValidationProblem>> ListAccreditationAlerts(
        [Range(0, 3650)] int? withinDays, SmpkrDbContext db, RegisterBodies bodies, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        if (withinDays is < 0 or > 3650)
        {
            return ValidationProblems.Result(http, [new FieldError("withinDays", "value.out-of-range", "Use 0–3650.")]);
        }

        var today = clock.TodayInLithuania();
        var horizon = today.AddDays(withinDays ?? 90);
        var latest = await (from a in db.Accreditations.AsNoTracking()
                            join r in db.Records.AsNoTracking() on a.ProgrammeId equals r.Id
                            where r.Status == RecordStatus.Registered && r.Kind == ProgrammeKinds.Study
                                  && !db.Accreditations.Any(n => n.ProgrammeId == a.ProgrammeId
                                      && (n.DecidedOn > a.DecidedOn || (n.DecidedOn == a.DecidedOn && n.RecordedAt > a.RecordedAt)))
                                  && (a.Decision == AccreditationDecisions.NotAccredited || a.ValidUntil == null || a.ValidUntil <= horizon)
                            orderby a.ValidUntil, r.Code
                            select new { Accreditation = a, r.Id, r.Code, r.Owner })
            .Take(1000)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new AccreditationAlerts
        {
            Items = latest.Select(l => new AccreditationAlert
            {
                ProgrammeId = l.Id,
                Code = l.Code,
                Owner = l.Owner,
                Current = Response(l.Accreditation, bodies, today),
            }).ToList(),
        });
    }

    private static List<FieldError> Check(AccreditationInput input, DateOnly today)
    {
        var errors = new List<FieldError>();
        if (input.Decision is null || !AccreditationDecisions.All.Contains(input.Decision))
        {
            errors.Add(new FieldError("decision", "value.required", $"Use {string.Join(", ", AccreditationDecisions.All)}."));
        }

        if (input.DecidedOn is null)
        {
            errors.Add(new FieldError("decidedOn", "value.required", "The day of the decision is required."));
        }
        else if (input.DecidedOn > today)
        {
            errors.Add(new FieldError("decidedOn", "date.in-future", "The decision cannot be dated in the future."));
        }

        if (input.Decision is not AccreditationDecisions.NotAccredited and not null && input.ValidUntil is null)
        {
            errors.Add(new FieldError("validUntil", "value.required", "An accreditation holds until a day; give it."));
        }

        if (input.ValidUntil is { } until && input.DecidedOn is { } decided && until <= decided)
        {
            errors.Add(new FieldError("validUntil", "dates.out-of-order", "validUntil must be after decidedOn."));
        }

        TextRules.Check(errors, "decisionNumber", input.DecisionNumber, 100, required: true);
        for (var i = 0; i < (input.Scores?.Count ?? 0); i++)
        {
            TextRules.CheckName(errors, $"scores[{i}].criterion", input.Scores![i]?.Criterion);
            if (input.Scores[i]?.Score is not (>= 1 and <= 5))
            {
                errors.Add(new FieldError($"scores[{i}].score", "value.out-of-range", "A score is 1–5."));
            }
        }

        return errors;
    }

    internal static AccreditationResponse Response(Accreditation a, RegisterBodies bodies, DateOnly today) => new()
    {
        Id = a.Id,
        Decision = a.Decision,
        DecidedOn = a.DecidedOn,
        ValidUntil = a.ValidUntil,
        DecisionNumber = a.DecisionNumber,
        Scores = JsonSerializer.Deserialize<List<CriterionScore>>(a.Scores, bodies.Options) ?? [],
        Expired = a.Decision == AccreditationDecisions.NotAccredited || a.ValidUntil is null || a.ValidUntil < today,
    };
}
