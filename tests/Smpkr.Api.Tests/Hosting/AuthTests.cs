using System.Net;
using System.Security.Cryptography;
using Smpkr.Api.Auth;

namespace Smpkr.Api.Tests.Hosting;

/// <summary>Bearer tokens are validated for real: signature, issuer, audience, lifetime and role.</summary>
public sealed class AuthTests : ApiTest
{
    private const string Protected = "/api/v1/classifiers";

    [Test]
    public async Task No_token_is_401_with_a_challenge()
    {
        var response = await Anonymous().GetAsync(Protected);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.Scheme), Does.Contain("Bearer"));
    }

    [Test]
    public async Task A_401_is_a_problem_document_even_when_accept_asks_for_html()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Protected);
        request.Headers.Accept.ParseAdd("text/html");

        var response = await Anonymous().SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
    }

    [TestCase("expired")]
    [TestCase("foreign-key")]
    [TestCase("wrong-issuer")]
    [TestCase("wrong-audience")]
    [TestCase("alg-none")]
    [TestCase("garbage")]
    public async Task An_invalid_token_is_401(string kind)
    {
        var token = kind switch
        {
            "expired" => TestTokens.For(Roles.Registrar, expires: DateTime.UtcNow.AddMinutes(-5)),
            "foreign-key" => TestTokens.For(Roles.Registrar, key: RandomNumberGenerator.GetBytes(32)),
            "wrong-issuer" => TestTokens.For(Roles.Registrar, issuer: "someone-else"),
            "wrong-audience" => TestTokens.For(Roles.Registrar, audience: "another-api"),
            "alg-none" => TestTokens.WithoutSignature(Roles.Registrar),
            _ => "not.a.token",
        };

        var response = await App.ClientWith(token).GetAsync(Protected);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_valid_token_without_a_register_role_is_403()
    {
        var response = await App.ClientWith(TestTokens.For("student")).GetAsync(Protected);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [TestCase(Roles.Registrar)]
    [TestCase(Roles.Provider)]
    [TestCase(Roles.Accreditor)]
    [TestCase(Roles.StandardsBody)]
    [TestCase(Roles.Auditor)]
    public async Task Every_register_role_reads_classifiers(string role)
    {
        var response = await App.ClientWith(TestTokens.For(role, role == Roles.Provider ? TestTokens.ProviderCode : null)).GetAsync(Protected);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase(Roles.Provider)]
    [TestCase(Roles.Accreditor)]
    [TestCase(Roles.StandardsBody)]
    [TestCase(Roles.Auditor)]
    public async Task Only_the_registrar_manages_classifiers(string role)
    {
        var client = App.ClientWith(TestTokens.For(role, role == Roles.Provider ? TestTokens.ProviderCode : null));

        var response = await client.PostAsync("/api/v1/classifiers/KL_LTKS/items",
            new StringContent("""{"code":"IX","name":{"lt":"IX lygis"}}""", System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Open_data_needs_no_token_and_ignores_a_bad_one()
    {
        Assert.Multiple(async () =>
        {
            Assert.That((await Anonymous().GetAsync("/open/v1/classifiers")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await App.ClientWith("not.a.token").GetAsync("/open/v1/classifiers")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
