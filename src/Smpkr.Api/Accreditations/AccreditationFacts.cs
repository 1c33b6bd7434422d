using System.Text.Json;
using Npgsql;
using Smpkr.Api.Programmes;
using Smpkr.Api.Register;

namespace Smpkr.Api.Accreditations;

/// <summary>
/// A study programme's current accreditation (its latest decision, and whether it has expired), shown with the
/// programme. A decision never changes once recorded, so its JSON is kept by decision and day (whether it has
/// expired is a matter of the day), bounded by <c>Register:ContentCacheSize</c> like versions' content.
/// </summary>
public sealed class AccreditationFacts(RegisterBodies bodies, TimeProvider clock, IConfiguration configuration) : IRecordFacts<ProgrammeBody>
{
    public const string Member = "accreditation";

    // The latest decision of each programme (ties on the day broken by the later recording), one index range each.
    // One plain statement: reads by code ask for every batch of records, and through the ORM this was most of the
    // batch's time even when no programme had a decision.
    private const string Sql =
        """
        SELECT DISTINCT ON (programme_id) id, programme_id, decision, decided_on, valid_until, decision_number, scores::text, recorded_at
        FROM accreditations WHERE programme_id = ANY($1)
        ORDER BY programme_id, decided_on DESC, recorded_at DESC
        """;

    private readonly KeptJson<(Guid Decision, DateOnly Day)> _kept = new(configuration.GetValue("Register:ContentCacheSize", 20_000));

    public string Name => Member;

    public Type Shape => typeof(AccreditationResponse);

    public async Task<IReadOnlyDictionary<Guid, object>> ForAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> recordIds, CancellationToken cancellationToken)
    {
        var today = clock.TodayInLithuania();
        var facts = new Dictionary<Guid, object>();
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new() { Value = recordIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = (reader.GetGuid(0), today);
            if (!_kept.TryGet(key, out var json))
            {
                var accreditation = new Accreditation
                {
                    Id = key.Item1,
                    ProgrammeId = reader.GetGuid(1),
                    Decision = reader.GetString(2),
                    DecidedOn = reader.GetFieldValue<DateOnly>(3),
                    ValidUntil = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4),
                    DecisionNumber = reader.GetString(5),
                    Scores = reader.GetString(6),
                    RecordedAt = reader.GetFieldValue<DateTimeOffset>(7),
                };
                json = _kept.GetOrWrite(key, accreditation,
                    a => JsonSerializer.SerializeToUtf8Bytes(AccreditationEndpoints.Response(a, bodies, today), bodies.Options));
            }

            facts[reader.GetGuid(1)] = new JsonText(json);
        }

        return facts;
    }
}

internal static class AccreditationSetup
{
    public static void AddAccreditations(this WebApplicationBuilder builder) =>
        builder.AddRecordFacts<ProgrammeBody, AccreditationFacts>();
}
