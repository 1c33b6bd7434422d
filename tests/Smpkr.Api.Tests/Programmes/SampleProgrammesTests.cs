using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Smpkr.Api.Data;
using Smpkr.Api.SampleData;
using Smpkr.Api.Register;

namespace Smpkr.Api.Tests.Programmes;

/// <summary>The run command's sample register passes every rule and shows every part of the lifecycle.</summary>
public sealed class SampleProgrammesTests : ApiTest
{
    [Test]
    public async Task The_sample_register_has_all_kinds_states_and_versions()
    {
        _ = App.Server;
        var (objects, loaded) = await SampleRegister.LoadAsync(App.Services, CancellationToken.None);

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmpkrDbContext>();
        var all = await db.Records.AsNoTracking().ToListAsync();
        var records = all.Where(r => r.ObjectType == "programme").ToList();
        var secondVersions = await db.RecordVersions.CountAsync(v => v.Version == 2);
        Assert.Multiple(async () =>
        {
            Assert.That(all, Has.Count.EqualTo(objects));
            Assert.That(all.Select(r => r.ObjectType).Distinct(), Is.EquivalentTo(new[] { "programme", "qualification", "professional-standard", "vet-standard" }));
            Assert.That(all.Where(r => r.ObjectType == "vet-standard").Select(r => r.Code), Has.All.Match("^352110[0-9]$"));
            Assert.That(await db.Accreditations.CountAsync(), Is.GreaterThan(10));
            Assert.That(await db.RecordAliases.CountAsync(), Is.EqualTo(1), "one recoded programme");
            Assert.That(records.Count(r => r.SupersededBy is not null), Is.EqualTo(1), "one superseded programme");
            Assert.That(await db.RecordLinks.CountAsync(l => l.TargetType == "professional-standard"), Is.EqualTo(5));
        });
        Assert.Multiple(() =>
        {
            Assert.That(loaded, Is.GreaterThan(200));
            Assert.That(records, Has.Count.EqualTo(loaded));
            Assert.That(records.Select(r => r.Kind).Distinct(), Is.EquivalentTo(new[] { "study", "vocational", "general" }));
            Assert.That(records.Select(r => r.Status).Distinct(), Is.EquivalentTo(Enum.GetValues<RecordStatus>()));
            Assert.That(records.Count(r => r.PendingStatus == PendingChangeStatus.Draft), Is.GreaterThan(0));
            Assert.That(records.Count(r => r.PendingStatus == PendingChangeStatus.Submitted), Is.GreaterThan(0));
            Assert.That(records.Count(r => r.ReturnComment is not null), Is.GreaterThan(0));
            Assert.That(secondVersions, Is.GreaterThan(0));
            Assert.That(records.Where(r => r.Kind == "study" && r.Code is not null).Select(r => r.Code), Has.All.Match("^(6121|6531|6211|6011)[A-Z]X[0-9]{3}$"));
            Assert.That(records.Where(r => r.Kind == "vocational" && r.Code is not null).Select(r => r.Code), Has.All.Match("^M[2-5][0-9][0-9]{4}[0-9]{2}$"));
            Assert.That(records.Where(r => r.Kind == "general" && r.Code is not null).Select(r => r.Code), Has.All.Match("^U[0-9][0-9]{3}$"));
        });
    }
}
