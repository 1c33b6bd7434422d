namespace Smpkr.Api.Register;

/// <summary>Where a register record stands in its lifecycle (spec/domain.md §4).</summary>
public enum RecordStatus
{
    Draft,
    Submitted,
    Registered,
    Deregistered,
}

/// <summary>Where the pending change of a registered record stands; a registered record has at most one.</summary>
public enum PendingChangeStatus
{
    Draft,
    Submitted,
}

/// <summary>
/// One register object of any type (programme, qualification, …): its identity, state code,
/// lifecycle state and working copy. The object's content lives as JSON: in <see cref="Working"/>
/// while it is a draft or a pending change, and in immutable <see cref="RecordVersion"/> rows once registered.
/// </summary>
public sealed class RegisterRecord
{
    public Guid Id { get; init; }

    /// <summary>The type of object, e.g. <c>programme</c>; one <see cref="RegisterType{TBody}"/> says how it behaves.</summary>
    public required string ObjectType { get; init; }

    /// <summary>Subdivision of the type where it has one (programmes: study, vocational, general).</summary>
    public string? Kind { get; set; }

    /// <summary>The state code, assigned at registration; null before.</summary>
    public string? Code { get; set; }

    public RecordStatus Status { get; set; }

    public PendingChangeStatus? PendingStatus { get; set; }

    /// <summary>Increases on every write; the ETag.</summary>
    public int Revision { get; set; }

    /// <summary>The provider that registers and maintains the object.</summary>
    public required string Owner { get; init; }

    public string[] CoProviders { get; set; } = [];

    /// <summary>Draft content, or the pending change of a registered record; null when there is neither.</summary>
    public string? Working { get; set; }

    /// <summary>The registered version in force now (null until registered).</summary>
    public int? CurrentVersion { get; set; }

    /// <summary>Names of what the record shows (registered version, else the draft), for lists and sorting.</summary>
    public required string NameLt { get; set; }

    public string? NameEn { get; set; }

    public DateOnly? RegisteredOn { get; set; }

    public DateOnly? LastChangedOn { get; set; }

    public DateOnly? DeregisteredOn { get; set; }

    public string? DeregistrationReason { get; set; }

    public string? SupersededBy { get; set; }

    public bool? Equivalent { get; set; }

    /// <summary>The registrar's comment when a submission was last returned; cleared on the next submit.</summary>
    public string? ReturnComment { get; set; }

    /// <summary>A provider's request to deregister, waiting for the registrar (JSON).</summary>
    public string? DeregistrationRequest { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>True once any version was registered: such a record is never deleted.</summary>
    public bool WasRegistered => CurrentVersion is not null;
}

/// <summary>
/// An immutable registered version: its content as registered, when it came into force
/// (<see cref="ValidFrom"/>, valid time) and when the register recorded it (<see cref="RecordedAt"/>,
/// transaction time). A version's end of validity is the next version's start, so nothing is ever updated.
/// </summary>
public sealed class RecordVersion
{
    public Guid RecordId { get; init; }

    public int Version { get; init; }

    public required string Content { get; init; }

    public DateOnly ValidFrom { get; init; }

    public DateTimeOffset RecordedAt { get; init; }
}

/// <summary>Another code the record answers to (a code before a recoding, a legacy code).</summary>
public sealed class RecordAlias
{
    public required string ObjectType { get; init; }

    public required string Code { get; init; }

    public Guid RecordId { get; init; }

    public DateOnly? ValidFrom { get; init; }

    public DateOnly? ValidTo { get; init; }
}

/// <summary>The last sequence number handed out under one code prefix.</summary>
public sealed class CodeSequence
{
    public required string Prefix { get; init; }

    public int LastValue { get; set; }
}

/// <summary>
/// A reference from a record's version in force to another registered object (a programme's
/// qualification, a qualification's standard), kept so that deregistering the target can find
/// who still depends on it.
/// </summary>
public sealed class RecordLink
{
    public Guid RecordId { get; init; }

    public required string Path { get; init; }

    public required string TargetType { get; init; }

    public required string TargetCode { get; init; }
}
