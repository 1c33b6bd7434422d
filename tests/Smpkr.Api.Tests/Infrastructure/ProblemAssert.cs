using System.Net;
using System.Text.Json;

namespace Smpkr.Api.Tests;

/// <summary>Asserts the whole RFC 9457 problem document, not just a status code.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> IsProblem(HttpResponseMessage response, HttpStatusCode status, string? instance = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
            Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty);
            Assert.That(problem.GetProperty("type").GetString(), Does.StartWith("https://"));
            Assert.That(problem.GetProperty("detail").GetString(), Is.Not.Empty);
            Assert.That(problem.GetProperty("traceId").GetString(), Is.Not.Empty);
            Assert.That(problem.GetProperty("instance").GetString(), Is.EqualTo(instance ?? response.RequestMessage!.RequestUri!.AbsolutePath));
            Assert.That(body, Does.Not.Contain("   at "), "no stack trace outside Development");
        });
        return problem;
    }

    /// <summary>A 400 validation problem whose <c>errors</c> and <c>codes</c> name <paramref name="path"/> with <paramref name="code"/>.</summary>
    public static async Task<JsonElement> IsValidationProblem(HttpResponseMessage response, string path, string code)
    {
        var problem = await IsProblem(response, HttpStatusCode.BadRequest);
        Assert.That(problem.TryGetProperty("errors", out var errors), Is.True, problem.ToString());
        Assert.That(errors.TryGetProperty(path, out var messages), Is.True, $"errors has no '{path}': {errors}");
        Assert.That(messages.EnumerateArray().Select(m => m.GetString()), Is.Not.Empty.And.All.Not.Empty);
        var codes = problem.GetProperty("codes").GetProperty(path).EnumerateArray().Select(c => c.GetString());
        Assert.That(codes, Does.Contain(code));
        return problem;
    }
}
