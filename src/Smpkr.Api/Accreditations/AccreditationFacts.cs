using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Data;
using Smpkr.Api.Programmes;
using Smpkr.Api.Register;

namespace Smpkr.Api.Accreditations;

/// <summary>A study programme's current accreditation (its latest decision, and whether it has expired), shown with the programme.</summary>
public sealed class AccreditationFacts(SmpkrDbContext db, RegisterBodies bodies, TimeProvider clock) : IRecordFacts<ProgrammeBody>
{
    public string Name => "accreditation";

    public Type Shape => typeof(AccreditationResponse);

    public async Task<IReadOnlyDictionary<Guid, object>> ForAsync(IReadOnlyCollection<Guid> recordIds, CancellationToken cancellationToken)
    {
        var today = clock.TodayInLithuania();
        var latest = await db.Accreditations.AsNoTracking()
            .Where(a => recordIds.Contains(a.ProgrammeId)
                        && !db.Accreditations.Any(n => n.ProgrammeId == a.ProgrammeId
                            && (n.DecidedOn > a.DecidedOn || (n.DecidedOn == a.DecidedOn && n.RecordedAt > a.RecordedAt))))
            .ToListAsync(cancellationToken);
        return latest.ToDictionary(a => a.ProgrammeId, a => (object)AccreditationEndpoints.Response(a, bodies, today));
    }
}

internal static class AccreditationSetup
{
    public static void AddAccreditations(this WebApplicationBuilder builder) =>
        builder.Services.AddScoped<IRecordFacts<ProgrammeBody>, AccreditationFacts>();
}
