using Smpkr.Api.Data;

namespace Smpkr.Api.Register;

/// <summary>What a change-feed entry says happened to a published record.</summary>
public static class ChangeOps
{
    public const string Registered = "registered";
    public const string Changed = "changed";
    public const string Deregistered = "deregistered";
    public const string Recoded = "recoded";

    /// <summary>Part of the feed's vocabulary for a record brought back after deregistration; the lifecycle has no such step today.</summary>
    public const string Reinstated = "reinstated";
}

/// <summary>
/// Where a write records a published change (a registration, a new version, a deregistration, a
/// recoding), inside the write's own transaction, after its rows are saved. The publication side
/// implements it: it renders the public view of the record and appends it to the change feed.
/// </summary>
public interface IChangeLog
{
    Task AppendAsync(SmpkrDbContext db, RegisterRecord record, string op, string? previousCode, CancellationToken cancellationToken);
}
