using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Smpkr.Api.Auth;

namespace Smpkr.Api.Tests;

/// <summary>Mints real signed JWTs the service validates exactly as it validates an identity provider's.</summary>
public static class TestTokens
{
    public const string Issuer = "smpkr-tests";
    public const string Audience = "smpkr-api";
    public const string ProviderCode = "111950243";
    public const string OtherProviderCode = "211950810";

    /// <summary>A VET school (Klaipėdos technologijų mokymo centras): vocational programmes only.</summary>
    public const string VetProviderCode = "190974424";

    /// <summary>The signing key the test service trusts (new every run).</summary>
    public static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    public static string For(
        string role,
        string? provider = null,
        string subject = "test-person",
        DateTime? expires = null,
        byte[]? key = null,
        string issuer = Issuer,
        string audience = Audience)
    {
        var claims = new Dictionary<string, object> { [ClaimNames.Subject] = subject, [ClaimNames.Role] = role };
        if (provider is not null)
        {
            claims[ClaimNames.Provider] = provider;
        }

        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = expiry.AddMinutes(-20),
            NotBefore = expiry.AddMinutes(-20),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    public static string Registrar() => For(Roles.Registrar);

    public static string Provider(string provider = ProviderCode) => For(Roles.Provider, provider);

    /// <summary>A token with <c>alg: none</c> and no signature, which must never be accepted.</summary>
    public static string WithoutSignature(string role)
    {
        static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        return Encode("""{"alg":"none","typ":"JWT"}""") + "." +
            Encode($$"""{"sub":"x","role":"{{role}}","iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{exp}}}""") + ".";
    }
}
