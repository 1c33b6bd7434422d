using System.Net;

namespace Smpkr.Api.Tests.Hosting;

public sealed class RateLimitTests : ApiTest
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["RateLimiting:OpenData:PermitLimit"] = "3",
        ["RateLimiting:OpenData:WindowSeconds"] = "60",
    };

    [Test]
    public async Task Open_data_over_the_limit_is_a_429_problem_with_retry_after()
    {
        var client = Anonymous();
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await client.GetAsync("/open/v1/classifiers")).StatusCode, Is.EqualTo(HttpStatusCode.OK), $"request {i + 1}");
        }

        var response = await client.GetAsync("/open/v1/classifiers");

        await ProblemAssert.IsProblem(response, HttpStatusCode.TooManyRequests);
        Assert.That(response.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 60));
    }

    [Test]
    public async Task The_register_api_is_not_limited_by_the_open_data_policy()
    {
        var client = Registrar();
        for (var i = 0; i < 5; i++)
        {
            Assert.That((await client.GetAsync("/api/v1/classifiers")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }
}
