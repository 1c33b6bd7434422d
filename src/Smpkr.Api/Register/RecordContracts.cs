using System.ComponentModel.DataAnnotations;

namespace Smpkr.Api.Register;

/// <summary>
/// A register record as the register API shows it: identity, lifecycle, the registered content in
/// <c>data</c> (a never-registered draft shows its draft there) and, for those who may see it, the
/// pending change. Providers see other providers' records only once registered, and never their pending changes.
/// </summary>
public sealed record RecordResponse<TBody> : IHasDataJson
    where TBody : class
{
    /// <summary>Internal identifier (not the business key).</summary>
    /// <example>0195f3a4-7c1e-7b3a-9f0e-2a4b6c8d0e1f</example>
    public Guid Id { get; init; }

    /// <summary>State code, assigned at registration.</summary>
    /// <example>6121BX028</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Z0-9]+$")]
    public string? Code { get; init; }

    /// <summary>Lifecycle status: <c>draft</c>, <c>submitted</c>, <c>registered</c> or <c>deregistered</c>.</summary>
    public RecordStatus Status { get; init; }

    /// <summary>Increases on every write; the ETag is its quoted value.</summary>
    /// <example>3</example>
    [Range(1, int.MaxValue)]
    public int Revision { get; init; }

    /// <summary>The provider that owns the record (legal-entity code).</summary>
    /// <example>211950810</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9-]+$")]
    public required string Owner { get; init; }

    /// <summary>The registered version in force now.</summary>
    /// <example>2</example>
    [Range(1, int.MaxValue)]
    public int? Version { get; init; }

    /// <summary>First day the current version is in force.</summary>
    public DateOnly? ValidFrom { get; init; }

    /// <summary>Day of first registration.</summary>
    public DateOnly? RegisteredOn { get; init; }

    /// <summary>Day of the last registered change.</summary>
    public DateOnly? LastChangedOn { get; init; }

    /// <summary>Day of deregistration.</summary>
    public DateOnly? DeregisteredOn { get; init; }

    /// <summary>Why it was deregistered (KL_ISREGISTRAVIMO_PRIEZASTYS).</summary>
    /// <example>superseded</example>
    [MaxLength(64)]
    [RegularExpression("^[a-z0-9-]+$")]
    public string? DeregistrationReason { get; init; }

    /// <summary>Code of the record that replaces this one.</summary>
    /// <example>6121BX041</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Z0-9]+$")]
    public string? SupersededBy { get; init; }

    /// <summary>Whether the successor gives the same outcome.</summary>
    public bool? Equivalent { get; init; }

    /// <summary>Last edit of any kind.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The registered content (or the draft, before registration).</summary>
    public TBody? Data { get; init; }

    /// <summary>The registered content as JSON already written (<see cref="VersionJson"/>), written in place of <see cref="Data"/>.</summary>
    internal byte[]? DataJson { get; init; }

    byte[]? IHasDataJson.DataJson => DataJson;

    /// <summary>The pending change of a registered record; only for its owner, the registrar and auditors.</summary>
    public PendingChange<TBody>? PendingChange { get; init; }

    /// <summary>The registrar's comment on the last returned submission; only for its owner, the registrar and auditors.</summary>
    /// <example>Learning outcomes are missing.</example>
    [MaxLength(2000)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? ReturnComment { get; init; }

    /// <summary>The owner's request to deregister, waiting for the registrar.</summary>
    public DeregistrationRequest? DeregistrationRequest { get; init; }

    /// <summary>Facts kept beside the record's versions: for a study programme, <c>accreditation</c> (its current decision and whether it has expired).</summary>
    public IReadOnlyDictionary<string, object>? Facts { get; init; }

    /// <summary>Other codes the record answers to (codes before a recoding, legacy codes); single-record responses only.</summary>
    [MaxLength(100)]
    public IReadOnlyList<AliasResponse>? Aliases { get; init; }
}

/// <summary>A code the record answered to before; lookups by it still find the record.</summary>
public sealed record AliasResponse
{
    /// <summary>The old code.</summary>
    /// <example>612I10001</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9]+$")]
    public required string Code { get; init; }

    /// <summary>First day the code was in use.</summary>
    public DateOnly? ValidFrom { get; init; }

    /// <summary>Last day the code was the record's own.</summary>
    public DateOnly? ValidTo { get; init; }
}

/// <summary>Registrar's recoding: the record gets a new state code; the old one stays an alias.</summary>
public sealed record RecodeRequest
{
    /// <summary>The new state code (upper-case letters and digits), not used by any record or alias of this type.</summary>
    /// <example>6121BX100</example>
    [Required]
    [MaxLength(32)]
    [RegularExpression("^[A-Z0-9]{3,32}$")]
    public string? Code { get; init; }

    /// <summary>First day the new code is in use; default today. The old code's alias ends the day before.</summary>
    /// <example>2027-01-01</example>
    public DateOnly? ValidFrom { get; init; }

    /// <summary>Note kept in the audit log.</summary>
    /// <example>Recoded under the 2027 coding rules.</example>
    [MaxLength(2000)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Comment { get; init; }
}

/// <summary>Where a record stands in its chain of supersessions.</summary>
public sealed record LineageResponse
{
    /// <summary>The record asked about.</summary>
    public required LineageEntry Record { get; init; }

    /// <summary>Records this one replaced, directly or through others, nearest first.</summary>
    [MaxLength(100)]
    public required IReadOnlyList<LineageEntry> Predecessors { get; init; }

    /// <summary>Records that replaced this one, directly or through others, nearest first.</summary>
    [MaxLength(100)]
    public required IReadOnlyList<LineageEntry> Successors { get; init; }

    /// <summary>The end of the chain: the record that is current now (this one when nothing replaced it).</summary>
    public required LineageEntry Current { get; init; }
}

/// <summary>One record in a lineage.</summary>
public sealed record LineageEntry
{
    /// <summary>The record's id.</summary>
    public Guid Id { get; init; }

    /// <summary>Its state code.</summary>
    /// <example>6121BX028</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9]+$")]
    public required string Code { get; init; }

    /// <summary>Its status.</summary>
    public RecordStatus Status { get; init; }

    /// <summary>The code of its successor, when replaced.</summary>
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9]+$")]
    public string? SupersededBy { get; init; }

    /// <summary>Whether its successor gives the same outcome.</summary>
    public bool? Equivalent { get; init; }

    /// <summary>Steps from the record asked about (0 for itself).</summary>
    [Range(0, 100)]
    public int Distance { get; init; }
}

/// <summary>A change proposed to a registered record; the registered version stays in force until it is approved.</summary>
public sealed record PendingChange<TBody>
    where TBody : class
{
    /// <summary><c>draft</c> while edited, <c>submitted</c> when waiting for the registrar.</summary>
    public PendingChangeStatus Status { get; init; }

    /// <summary>The proposed content.</summary>
    public required TBody Data { get; init; }
}

/// <summary>A registered version.</summary>
public sealed record VersionResponse<TBody>
    where TBody : class
{
    /// <summary>Version number, from 1.</summary>
    /// <example>1</example>
    [Range(1, int.MaxValue)]
    public int Version { get; init; }

    /// <summary>First day in force.</summary>
    public DateOnly ValidFrom { get; init; }

    /// <summary>Last day in force; absent while in force.</summary>
    public DateOnly? ValidTo { get; init; }

    /// <summary>When the register recorded it.</summary>
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>The content of that version.</summary>
    public required TBody Data { get; init; }
}

/// <summary>All registered versions, oldest first, and the pending change for those who may see it.</summary>
public sealed record VersionsResponse<TBody>
    where TBody : class
{
    /// <summary>Registered versions, oldest first.</summary>
    [MaxLength(10000)]
    public required IReadOnlyList<VersionResponse<TBody>> Items { get; init; }

    /// <summary>The pending change, when there is one and the caller may see it.</summary>
    public PendingChange<TBody>? Pending { get; init; }
}

/// <summary>A provider's request to deregister a record.</summary>
public sealed record DeregistrationRequest
{
    /// <summary>Reason (KL_ISREGISTRAVIMO_PRIEZASTYS).</summary>
    /// <example>provider-request</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression("^[a-z0-9-]+$")]
    public string? Reason { get; init; }

    /// <summary>Requested day of deregistration.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>Explanation for the registrar.</summary>
    /// <example>The programme is no longer offered.</example>
    [MaxLength(2000)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Comment { get; init; }
}

/// <summary>Registrar's approval: registers a draft or submission, or makes a pending change the new version.</summary>
public sealed record ApproveRequest
{
    /// <summary>First day the registered version is in force; default today.</summary>
    /// <example>2026-09-01</example>
    public DateOnly? ValidFrom { get; init; }

    /// <summary>Note kept in the audit log.</summary>
    /// <example>Approved by order V-123.</example>
    [MaxLength(2000)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Comment { get; init; }
}

/// <summary>Registrar's return of a submission to its provider.</summary>
public sealed record ReturnRequest
{
    /// <summary>What the provider has to correct.</summary>
    /// <example>Learning outcomes are missing.</example>
    [Required]
    [MaxLength(2000)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Comment { get; init; }
}

/// <summary>Registrar's deregistration.</summary>
public sealed record DeregisterRequest
{
    /// <summary>Day of deregistration; default today; not before registration.</summary>
    /// <example>2026-12-31</example>
    public DateOnly? Date { get; init; }

    /// <summary>Reason (KL_ISREGISTRAVIMO_PRIEZASTYS).</summary>
    /// <example>superseded</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression("^[a-z0-9-]+$")]
    public string? Reason { get; init; }

    /// <summary>Code of the registered record that replaces this one (omit when there is none).</summary>
    [MaxLength(32)]
    [RegularExpression("^[A-Z0-9]+$")]
    public string? SupersededBy { get; init; }

    /// <summary>Whether the successor gives the same outcome; required with supersededBy, omitted without it.</summary>
    public bool? Equivalent { get; init; }

    /// <summary>Deregister even though registered objects still refer to this one (the registrar's explicit decision, recorded in the audit log).</summary>
    /// <example>false</example>
    public bool? DespiteReferences { get; init; }

    /// <summary>Note kept in the audit log.</summary>
    /// <example>The provider no longer offers the programme.</example>
    [MaxLength(2000)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Comment { get; init; }
}

/// <summary>A page of a list: the items and, when there are more, the link to the next page.</summary>
public sealed record Page<T>
{
    /// <summary>The items of this page.</summary>
    [MaxLength(1000)]
    public required IReadOnlyList<T> Items { get; init; }

    /// <summary>Full URL of the next page; absent on the last page.</summary>
    /// <example>https://smpkr.example/api/v1/programmes?cursor=AZXzpHwe</example>
    [MaxLength(4000)]
    public Uri? Next { get; init; }
}
