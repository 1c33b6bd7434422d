using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Smpkr.Api.Hosting.DevServices;

namespace Smpkr.Api.Tests.Hosting;

/// <summary>Faults below the endpoints: a failing dependency is a logged 500; an unreachable database a quick 503.</summary>
public sealed class FaultTests : ApiTest
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<TimeProvider>(new BrokenClock());

    [Test]
    public async Task An_unexpected_exception_is_a_500_problem_without_details()
    {
        var response = await Anonymous().GetAsync("/open/v1/classifiers/KL_LTKS");

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.InternalServerError);
        var body = problem.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(body, Does.Not.Contain(nameof(BrokenClock)));
            Assert.That(body, Does.Not.Contain("clock is broken"));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("traceId"));
        });
    }

    [Test]
    public async Task An_unreachable_database_is_a_quick_503_problem_and_ready_says_so()
    {
        var closedPort = PostgresProvisioner.FreePort();
        var unreachable = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString)
        {
            Port = closedPort,
            Database = "smpkr",
            Timeout = 3,
        }.ConnectionString;
        await using var app = new SmpkrApp(unreachable);
        var client = app.ClientWith(null);

        var watch = Stopwatch.StartNew();
        var response = await client.GetAsync("/open/v1/classifiers");
        watch.Stop();

        await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable);

        // A record by code is looked up by a shared reader; its failure still reaches the request.
        var byCode = await client.GetAsync("/open/v1/programmes/6121BX001");
        await ProblemAssert.IsProblem(byCode, HttpStatusCode.ServiceUnavailable);
        Assert.Multiple(async () =>
        {
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
            var ready = await client.GetAsync("/health/ready");
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
        });
    }

    private sealed class BrokenClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => throw new InvalidOperationException("The clock is broken.");
    }
}
