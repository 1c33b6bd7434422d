using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Smpkr.Api.Data;
using Smpkr.Api.Hosting;

namespace Smpkr.Api.Tests.Hosting;

public sealed class HealthTests : ApiTest
{
    [Test]
    public async Task Live_answers_without_a_token()
    {
        var response = await Anonymous().GetAsync("/health/live");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("healthy"));
    }

    [Test]
    public async Task Ready_reports_the_database_reachable_and_migrated()
    {
        var response = await Anonymous().GetAsync("/health/ready");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("healthy"));
            Assert.That(body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString(), Is.EqualTo("healthy"));
            Assert.That(body.GetProperty("checks").GetProperty("search").GetProperty("status").GetString(), Is.EqualTo("healthy"), "searches are answered, from memory or from PostgreSQL");
            Assert.That(body.GetProperty("checks").GetProperty("search").GetProperty("data").TryGetProperty("inMemory", out _), "whether the search entries are in memory yet");
        });
    }

    [Test]
    public async Task Ready_knows_the_migrations_that_EF_Core_knows()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmpkrDbContext>();

        Assert.That(Health.KnownMigrations(), Is.EqualTo(db.Database.GetMigrations().ToArray()));
        Assert.That((await Anonymous().GetAsync("/health/ready")).IsSuccessStatusCode, Is.EqualTo(!(await db.Database.GetPendingMigrationsAsync()).Any()),
            "ready exactly when EF Core finds nothing pending");
    }

    [Test]
    public async Task Ready_is_503_while_migrations_are_pending()
    {
        var empty = await TestDatabase.CreateEmptyDatabaseAsync();
        try
        {
            await using var app = new SmpkrApp(empty);
            var response = await app.ClientWith(null).GetAsync("/health/ready");

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(body.GetProperty("checks").GetProperty("database").GetProperty("description").GetString(), Does.Contain("not applied"));
        }
        finally
        {
            await TestDatabase.DropDatabaseAsync(empty);
        }
    }
}
