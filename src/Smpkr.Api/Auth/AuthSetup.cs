using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Smpkr.Api.Auth;

internal static class AuthSetup
{
    /// <summary>Signature algorithms accepted unless <c>Authentication:Schemes:Bearer:ValidAlgorithms</c> says otherwise (RFC 8725 §3.1).</summary>
    public static readonly string[] DefaultAlgorithms =
    [
        SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256,
    ];

    /// <summary>
    /// JWT bearer tokens validated with the settings in <c>Authentication:Schemes:Bearer</c> (issuer,
    /// audiences, signing keys: what <c>dotnet user-jwts</c> writes, or any identity provider's values).
    /// </summary>
    public static void AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options => options.MapInboundClaims = false);

        // After the configuration binding (which rebuilds TokenValidationParameters): claim names as
        // issued, and issuer, audience, signature and lifetime always validated, so a missing setting
        // rejects every token instead of accepting any.
        var algorithms = builder.Configuration.GetSection("Authentication:Schemes:Bearer:ValidAlgorithms").Get<string[]>()
            is { Length: > 0 } configured ? configured : DefaultAlgorithms;
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            var parameters = options.TokenValidationParameters;
            parameters.ValidAlgorithms = algorithms;
            parameters.NameClaimType = ClaimNames.Subject;
            parameters.RoleClaimType = ClaimNames.Role;
            parameters.ValidateIssuer = true;
            parameters.ValidateAudience = true;
            parameters.ValidateLifetime = true;
            parameters.ValidateIssuerSigningKey = true;
            parameters.RequireSignedTokens = true;
            parameters.ClockSkew = TimeSpan.FromMinutes(1);

            // The binding supplies the signing keys as a lazy sequence that reads the configuration again each
            // time it is enumerated, which the handler does for every request: read once, here.
            parameters.IssuerSigningKeys = parameters.IssuerSigningKeys?.ToList();
        });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.AnyRole, p => p.RequireRole(Roles.All))
            .AddPolicy(Policies.Registrar, p => p.RequireRole(Roles.Registrar))
            .AddPolicy(Policies.Provider, p => p.RequireRole(Roles.Provider).RequireClaim(ClaimNames.Provider))
            .AddPolicy(Policies.Accreditor, p => p.RequireRole(Roles.Accreditor, Roles.Registrar))
            .AddPolicy(Policies.StandardsBody, p => p.RequireRole(Roles.StandardsBody, Roles.Registrar))
            .AddPolicy(Policies.Auditor, p => p.RequireRole(Roles.Auditor, Roles.Registrar));
    }
}
