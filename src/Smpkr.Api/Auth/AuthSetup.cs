using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Smpkr.Api.Auth;

internal static class AuthSetup
{
    /// <summary>
    /// JWT bearer tokens validated with the settings in <c>Authentication:Schemes:Bearer</c> (issuer,
    /// audiences, signing keys: what <c>dotnet user-jwts</c> writes, or any identity provider's values).
    /// </summary>
    public static void AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters.NameClaimType = ClaimNames.Subject;
                options.TokenValidationParameters.RoleClaimType = ClaimNames.Role;
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
