namespace Smpkr.Api.Audit;

/// <summary>
/// One write or transition, as the audit log keeps it forever: who (subject, role, provider),
/// when, what (action, object, version, changed fields before and after), from where (request id,
/// client address). The table is append-only in the database itself (a trigger refuses UPDATE,
/// DELETE and TRUNCATE), so not even the application can rewrite it.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    public required string ActorSubject { get; init; }

    public required string ActorRole { get; init; }

    public string? ActorProvider { get; init; }

    public required string Action { get; init; }

    public required string ObjectType { get; init; }

    public Guid? RecordId { get; init; }

    public string? Code { get; init; }

    /// <summary>The provider that owns the object, so providers can be shown their own entries only.</summary>
    public string? Owner { get; init; }

    public int? Version { get; init; }

    public int? Revision { get; init; }

    /// <summary>Changed fields: JSON object of path → { before, after }.</summary>
    public string? Changes { get; init; }

    public string? Comment { get; init; }

    public string? RequestId { get; init; }

    public string? ClientAddress { get; init; }
}
