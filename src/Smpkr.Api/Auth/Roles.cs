namespace Smpkr.Api.Auth;

/// <summary>The roles of the register (spec/domain.md §5), as they travel in <c>role</c> claims.</summary>
public static class Roles
{
    public const string Registrar = "registrar";
    public const string Provider = "provider";
    public const string Accreditor = "accreditor";
    public const string StandardsBody = "standards-body";
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> All = [Registrar, Provider, Accreditor, StandardsBody, Auditor];
}

/// <summary>Claim types as issued by the identity provider (inbound mapping is off).</summary>
public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Role = "role";

    /// <summary>The provider code (legal-entity code) a provider's token acts for.</summary>
    public const string Provider = "provider";
}

/// <summary>Authorization policy names; each resource's endpoints name the policy, never a role list.</summary>
public static class Policies
{
    /// <summary>Any authenticated caller holding at least one register role.</summary>
    public const string AnyRole = "any-role";
    public const string Registrar = "registrar";
    public const string Provider = "provider";
    public const string Accreditor = "accreditor";
    public const string StandardsBody = "standards-body";
    public const string Auditor = "auditor-or-registrar";
}
