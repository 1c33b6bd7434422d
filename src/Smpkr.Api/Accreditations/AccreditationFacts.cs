using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Data;
using Smpkr.Api.Programmes;
using Smpkr.Api.Register;

namespace Smpkr.Api.Accreditations;

/// <summary>A study programme's current accreditation (its latest decision, and whether it has expired), shown with the programme.</summary>
public sealed class AccreditationFacts(SmpkrDbContext db, RegisterBodies bodies, TimeProvider clock) : IRecordFacts<ProgrammeBody>
{
    public const string Member = "accreditation";

    public string Name => Member;

    public Type Shape => typeof(AccreditationResponse);

    // Compiled once: reads by code ask for every batch of records, and in a sampled profile of them building the
    // query each time was about a third of this query's time.
    private static readonly Func<SmpkrDbContext, Guid[], IAsyncEnumerable<Accreditation>> Latest = EF.CompileAsyncQuery(
        (SmpkrDbContext db, Guid[] ids) => db.Accreditations.AsNoTracking()
            .Where(a => ids.Contains(a.ProgrammeId)
                        && !db.Accreditations.Any(n => n.ProgrammeId == a.ProgrammeId
                            && (n.DecidedOn > a.DecidedOn || (n.DecidedOn == a.DecidedOn && n.RecordedAt > a.RecordedAt)))));

    public async Task<IReadOnlyDictionary<Guid, object>> ForAsync(IReadOnlyCollection<Guid> recordIds, CancellationToken cancellationToken)
    {
        var today = clock.TodayInLithuania();
        var facts = new Dictionary<Guid, object>();
        await foreach (var accreditation in Latest(db, recordIds.ToArray()).WithCancellation(cancellationToken))
        {
            facts[accreditation.ProgrammeId] = AccreditationEndpoints.Response(accreditation, bodies, today);
        }

        return facts;
    }
}

internal static class AccreditationSetup
{
    public static void AddAccreditations(this WebApplicationBuilder builder) =>
        builder.AddRecordFacts<ProgrammeBody, AccreditationFacts>(AccreditationFacts.Member);
}
