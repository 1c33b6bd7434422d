using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Data;

namespace Smpkr.Api.Tests.Data;

/// <summary>Seeding adds what is missing and never overwrites what the registrar changed.</summary>
public sealed class ClassifierSeedTests
{
    private string _connectionString = string.Empty;
    private NpgsqlDataSource _dataSource = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        _connectionString = await TestDatabase.CreateDatabaseAsync();
        _dataSource = NpgsqlDataSource.Create(_connectionString);
    }

    [TearDown]
    public async Task DropDatabase()
    {
        await _dataSource.DisposeAsync();
        await TestDatabase.DropDatabaseAsync(_connectionString);
    }

    [Test]
    public async Task Running_again_changes_nothing()
    {
        var before = await SnapshotAsync();

        await SeedAsync();
        await SeedAsync();

        Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        Assert.That(before, Has.Count.GreaterThan(600));
    }

    [Test]
    public async Task A_changed_seed_restores_missing_items_and_keeps_registrar_edits()
    {
        await ExecuteAsync("""
            UPDATE classifier_items SET name_lt = 'Informatika (pakeista)' WHERE classifier_abbreviation = 'KL_STUDIJU_KRYPTYS' AND code = 'B01';
            DELETE FROM classifier_items WHERE classifier_abbreviation = 'KL_KALBOS' AND code = 'fr';
            UPDATE seed_runs SET content_hash = 'an older seed';
            """);

        await SeedAsync();

        await using var db = Context();
        var b01 = await db.ClassifierItems.SingleAsync(i => i.ClassifierAbbreviation == "KL_STUDIJU_KRYPTYS" && i.Code == "B01");
        var fr = await db.ClassifierItems.SingleOrDefaultAsync(i => i.ClassifierAbbreviation == "KL_KALBOS" && i.Code == "fr");
        var run = await db.SeedRuns.SingleAsync(s => s.Name == "classifiers");
        Assert.Multiple(() =>
        {
            Assert.That(b01.NameLt, Is.EqualTo("Informatika (pakeista)"));
            Assert.That(fr?.NameLt, Is.EqualTo("prancūzų"));
            Assert.That(run.ContentHash, Has.Length.EqualTo(64));
        });
    }

    private async Task SeedAsync()
    {
        await using var db = Context();
        await DataSetup.MigrateAndSeedAsync(db, TimeProvider.System, CancellationToken.None);
    }

    private SmpkrDbContext Context()
    {
        var options = new DbContextOptionsBuilder<SmpkrDbContext>();
        SmpkrDbContext.Configure(options, _dataSource);
        return new SmpkrDbContext(options.Options);
    }

    private async Task<List<string>> SnapshotAsync()
    {
        await using var db = Context();
        return await db.ClassifierItems.AsNoTracking()
            .OrderBy(i => i.ClassifierAbbreviation).ThenBy(i => i.Code)
            .Select(i => i.ClassifierAbbreviation + "|" + i.Code + "|" + i.NameLt + "|" + i.Position)
            .ToListAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
