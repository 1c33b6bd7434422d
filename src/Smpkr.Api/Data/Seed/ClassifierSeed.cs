using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Smpkr.Api.Classifiers;

namespace Smpkr.Api.Data.Seed;

/// <summary>
/// Loads the classifier seed files (embedded CSV) into the database. Only missing classifiers and
/// items are inserted, so a registrar's later edits and retirements are never overwritten; the
/// content hash makes an unchanged seed cost one query at start-up.
/// </summary>
internal static class ClassifierSeed
{
    private const string SeedName = "classifiers";
    private const string ResourcePrefix = "Classifiers/";

    public static async Task ApplyAsync(SmpkrDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var files = SeedData.Read(ResourcePrefix);
        var hash = SeedData.Hash(files);
        if (await SeedData.IsAppliedAsync(db, SeedName, hash, cancellationToken))
        {
            return;
        }

        var index = ClassifierCsv.ReadRows(new StringReader(files["classifiers.csv"]), ClassifierCsv.IndexHeader);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        foreach (var row in index)
        {
            var abbreviation = row.Fields[0];
            if (!files.TryGetValue(abbreviation + ".csv", out var content))
            {
                throw new InvalidOperationException($"Seed classifier {abbreviation} has no file {abbreviation}.csv.");
            }

            await InsertClassifierAsync(connection, row.Fields, cancellationToken);
            var items = ClassifierCsv.ReadItems(new StringReader(content));
            await InsertItemsAsync(connection, abbreviation, items, cancellationToken);
        }

        await SeedData.MarkAppliedAsync(db, SeedName, hash, clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task InsertClassifierAsync(NpgsqlConnection connection, string[] fields, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO classifiers (abbreviation, name_lt, name_en, description) VALUES ($1, $2, $3, $4)
            ON CONFLICT (abbreviation) DO NOTHING
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = fields[0] });
        command.Parameters.Add(new NpgsqlParameter { Value = fields[1] });
        command.Parameters.Add(new NpgsqlParameter { Value = NullIfEmpty(fields[2]) });
        command.Parameters.Add(new NpgsqlParameter { Value = NullIfEmpty(fields[3]) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task InsertItemsAsync(
        NpgsqlConnection connection, string abbreviation, List<ClassifierCsv.Item> items, CancellationToken cancellationToken)
    {
        // Items arrive parents first, so one ordered INSERT satisfies the parent foreign key.
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO classifier_items (classifier_abbreviation, code, name_lt, name_en, parent_code, valid_from, valid_to, position)
            SELECT $1, t.code, t.name_lt, t.name_en, t.parent, t.valid_from, t.valid_to, t.position
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::int[])
                 WITH ORDINALITY AS t(code, name_lt, name_en, parent, valid_from, valid_to, position, n)
            ORDER BY t.n
            ON CONFLICT (classifier_abbreviation, code) DO NOTHING
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = abbreviation });
        command.Parameters.Add(new NpgsqlParameter { Value = items.Select(i => i.Code).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = items.Select(i => i.NameLt).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = items.Select(i => i.NameEn).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = items.Select(i => i.Parent).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = items.Select(i => i.ValidFrom).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = items.Select(i => i.ValidTo).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(1, items.Count).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static object NullIfEmpty(string value) => value.Length == 0 ? DBNull.Value : value;
}
