using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Problems;
using Smpkr.Api.Register;

namespace Smpkr.Api.Audit;

/// <summary>The whole audit log, for the registrar and auditors.</summary>
public static class AuditEndpoints
{
    public static void MapAudit(this RouteGroupBuilder api) =>
        api.MapGet("/audit", ListAuditEntries)
            .WithTags("Audit")
            .RequireAuthorization(Policies.Auditor)
            .WithSummary("Read the audit log (registrar, auditor)")
            .WithDescription("Every write and transition in order, filtered by object, actor and time range, keyset-paginated.");

    /// <param name="objectType">Only this type of object, e.g. <c>programme</c>.</param>
    /// <param name="recordId">Only this record.</param>
    /// <param name="code">Only entries about this state code.</param>
    /// <param name="actor">Only this person (token subject).</param>
    /// <param name="from">Only entries at or after this time (RFC 3339).</param>
    /// <param name="to">Only entries before this time (RFC 3339).</param>
    /// <param name="cursor">Opaque cursor from the previous page's <c>next</c>.</param>
    /// <param name="limit">Page size, 1–500 (default 50).</param>
    /// <param name="db">The register database.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<Page<AuditEntryResponse>>, ValidationProblem>> ListAuditEntries(
        [MaxLength(32), RegularExpression("^[a-z-]+$")] string? objectType, Guid? recordId,
        [MaxLength(32), RegularExpression("^[A-Za-z0-9]+$")] string? code, string? actor, DateTimeOffset? from, DateTimeOffset? to,
        string? cursor, int? limit, SmpkrDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var after = Pages.SequenceCursor(cursor, errors);
        var size = Pages.Limit(limit, errors);
        if (from is not null && to is not null && to < from)
        {
            errors.Add(new FieldError("to", "dates.out-of-order", "'to' must not be before 'from'."));
        }

        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        var query = db.AuditEntries.AsNoTracking().Where(a => a.Id > after);
        if (objectType is not null)
        {
            query = query.Where(a => a.ObjectType == objectType);
        }

        if (recordId is not null)
        {
            query = query.Where(a => a.RecordId == recordId);
        }

        if (code is not null)
        {
            query = query.Where(a => a.Code == code);
        }

        if (actor is not null)
        {
            query = query.Where(a => a.ActorSubject == actor);
        }

        if (from is not null)
        {
            query = query.Where(a => a.At >= from);
        }

        if (to is not null)
        {
            query = query.Where(a => a.At < to);
        }

        var entries = await query.OrderBy(a => a.Id).Take(size + 1).ToListAsync(cancellationToken);
        var next = entries.Count > size ? Pages.Next(http, entries[size - 1].Id.ToString(CultureInfo.InvariantCulture)) : null;
        return TypedResults.Ok(new Page<AuditEntryResponse> { Items = entries.Take(size).Select(AuditEntryResponse.From).ToList(), Next = next });
    }
}
