using System.Net;
using System.Text;

namespace Smpkr.Api.Tests.Hosting;

/// <summary>Every error the pipeline itself produces is an RFC 9457 problem document.</summary>
public sealed class ProblemTests : ApiTest
{
    private const string ItemsPath = "/api/v1/classifiers/KL_STUDIJU_FORMOS/items";

    [Test]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await Registrar().PostAsync(ItemsPath, Json("""{"code": "X1", "name": {"lt": "A"}"""));

        var problem = await ProblemAssert.IsValidationProblem(response, "", "json.invalid");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("not well-formed"));
    }

    [Test]
    public async Task Not_json_at_all_is_a_400_problem()
    {
        var response = await Registrar().PostAsync(ItemsPath, Json("this is not json"));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("codes").GetProperty("")[0].GetString(), Is.EqualTo("json.invalid"));
    }

    [Test]
    public async Task An_unknown_field_is_a_400_problem_naming_it()
    {
        var response = await Registrar().PostAsync(ItemsPath, Json("""{"code":"X1","name":{"lt":"A","fr":"B"}}"""));

        var problem = await ProblemAssert.IsValidationProblem(response, "name.fr", "json.unknown-field");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("name.fr"));
    }

    [Test]
    public async Task A_wrong_type_is_a_400_problem_at_its_path()
    {
        var response = await Registrar().PostAsync(ItemsPath, Json("""{"code":"X1","name":{"lt":"A"},"validFrom":42}"""));

        await ProblemAssert.IsValidationProblem(response, "validFrom", "json.invalid");
    }

    [Test]
    public async Task A_wrong_content_type_is_a_415_problem()
    {
        var response = await Registrar().PostAsync(ItemsPath, new StringContent("code=X1", Encoding.UTF8, "text/plain"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        var big = new string('a', 2 * 1024 * 1024);
        var response = await Registrar().PostAsync(ItemsPath, Json("{\"code\":\"X1\",\"name\":{\"lt\":\"" + big + "\"}}"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task A_wrong_method_is_a_405_problem_with_allow()
    {
        var response = await Registrar().DeleteAsync("/api/v1/classifiers/KL_LTKS");

        await ProblemAssert.IsProblem(response, HttpStatusCode.MethodNotAllowed);
        Assert.That(response.Content.Headers.Allow, Does.Contain("GET"));
    }

    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("PATCH")]
    [TestCase("DELETE")]
    public async Task Open_data_rejects_writes_with_405(string method)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), "/open/v1/classifiers") { Content = Json("{}") };
        var response = await Anonymous().SendAsync(request);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.MethodNotAllowed);
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("read-only"));
            Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "HEAD" }));
        });
    }

    [Test]
    public async Task Open_data_answers_head_without_a_body()
    {
        var response = await Anonymous().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/open/v1/classifiers/KL_LTKS"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task An_unacceptable_accept_header_is_a_406_problem()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/open/v1/classifiers");
        request.Headers.Accept.ParseAdd("application/xml");
        var response = await Anonymous().SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotAcceptable);
    }

    [Test]
    public async Task A_wildcard_accept_header_is_served()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/open/v1/classifiers");
        request.Headers.Accept.ParseAdd("application/*;q=0.8");
        var response = await Anonymous().SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_unknown_path_is_a_404_problem()
    {
        var response = await Registrar().GetAsync("/api/v1/no-such-thing");

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task An_unknown_query_parameter_is_a_400_problem_naming_it()
    {
        var response = await Anonymous().GetAsync("/open/v1/classifiers/KL_LTKS?validat=2020-01-01&colour=red");

        var problem = await ProblemAssert.IsValidationProblem(response, "colour", "query.unknown-parameter");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("validAt"));
    }

    [Test]
    public async Task A_malformed_query_value_is_a_400_problem_with_detail()
    {
        var response = await Anonymous().GetAsync("/open/v1/classifiers/KL_LTKS?validAt=yesterday");

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("validAt"));
    }

    [Test]
    public async Task Problems_carry_security_headers()
    {
        var response = await Anonymous().GetAsync("/open/v1/classifiers/KL_NERA");

        Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
