using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Classifiers;

namespace Smpkr.Api.Data.Seed;

/// <summary>
/// Real Lithuanian institutions (public legal-entity codes) as the initial providers. Only missing
/// providers are inserted: the registrar's later edits stay.
/// </summary>
internal static class ProviderSeed
{
    private const string SeedName = "providers";
    private const string ResourcePrefix = "Seed/";
    private static readonly string[] Header = ["code", "codeType", "nameLt", "nameEn", "type", "kinds", "address"];

    public static async Task ApplyAsync(SmpkrDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var files = SeedData.Read(ResourcePrefix);
        var hash = SeedData.Hash(files);
        if (await SeedData.IsAppliedAsync(db, SeedName, hash, cancellationToken))
        {
            return;
        }

        var rows = ClassifierCsv.ReadRows(new StringReader(files["providers.csv"]), Header);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO providers (code, code_type, name_lt, name_en, type, kinds, address, revision, updated_at)
            SELECT t.code, t.code_type, t.name_lt, nullif(t.name_en, ''), t.type, coalesce(string_to_array(nullif(t.kinds, ''), '|'), '{}'), nullif(t.address, ''), 1, $8
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                 AS t(code, code_type, name_lt, name_en, type, kinds, address)
            ON CONFLICT (code) DO NOTHING
            """,
            (NpgsqlConnection)db.Database.GetDbConnection());
        for (var column = 0; column < Header.Length; column++)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Fields[column]).ToArray() });
        }

        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await SeedData.MarkAppliedAsync(db, SeedName, hash, clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
