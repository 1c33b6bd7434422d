using System.Security.Claims;

namespace Smpkr.Api.Auth;

/// <summary>Who is calling, as the register sees it: the person, the roles, the provider they act for.</summary>
public sealed record Caller(string Subject, IReadOnlySet<string> Roles, string? Provider, string? ClientAddress, string RequestId)
{
    public bool IsRegistrar => Roles.Contains(Auth.Roles.Registrar);

    public bool IsAuditor => Roles.Contains(Auth.Roles.Auditor);

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>The role recorded in audit entries: the most powerful one held.</summary>
    public string MainRole => Auth.Roles.All.FirstOrDefault(Roles.Contains) ?? "none";

    public static Caller From(HttpContext http)
    {
        var user = http.User;
        return new Caller(
            user.FindFirstValue(ClaimNames.Subject) ?? "anonymous",
            user.FindAll(ClaimNames.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.FindFirstValue(ClaimNames.Provider),
            http.Connection.RemoteIpAddress?.ToString(),
            http.TraceIdentifier);
    }
}
