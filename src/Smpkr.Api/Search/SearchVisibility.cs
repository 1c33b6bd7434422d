using Smpkr.Api.Auth;
using Smpkr.Api.Register;

namespace Smpkr.Api.Search;

/// <summary>Which records a search may return to its caller.</summary>
public sealed record SearchVisibility
{
    private SearchVisibility()
    {
    }

    /// <summary>Every record (the registrar on the register API).</summary>
    public static SearchVisibility Everything { get; } = new();

    /// <summary>Only records with a registered version (registered or deregistered): the open-data view.</summary>
    public static SearchVisibility PublishedOnly { get; } = new() { Published = true };

    /// <summary>True: only records with a registered version.</summary>
    public bool Published { get; private init; }

    /// <summary>A provider that also sees its own unpublished records (drafts, submissions).</summary>
    public string? AlsoOwnedBy { get; private init; }

    /// <summary>What <paramref name="caller"/> may see on the register API (the same rule as reading one record).</summary>
    public static SearchVisibility For(Caller caller) => RecordAccess.SeesEverything(caller)
        ? Everything
        : new SearchVisibility { Published = true, AlsoOwnedBy = caller.Provider };
}
