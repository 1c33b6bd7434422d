using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace Smpkr.Api.Audit;

/// <summary>One audit entry: who did what to which object, when, from where, and what changed.</summary>
public sealed record AuditEntryResponse
{
    /// <summary>Position in the audit log (increasing).</summary>
    /// <example>1042</example>
    [Range(1, long.MaxValue)]
    public long Id { get; init; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The person (token subject).</summary>
    /// <example>registrar-anna</example>
    [MaxLength(200)]
    [RegularExpression("^[^\\u0000-\\u001F]+$")]
    public required string Actor { get; init; }

    /// <summary>The role acted in.</summary>
    /// <example>registrar</example>
    [MaxLength(32)]
    [RegularExpression("^[a-z-]+$")]
    public required string Role { get; init; }

    /// <summary>The provider the person acted for.</summary>
    /// <example>211950810</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9-]+$")]
    public string? Provider { get; init; }

    /// <summary>What was done: create, edit, submit, withdraw, approve, return, deregister, delete, …</summary>
    /// <example>approve</example>
    [MaxLength(32)]
    [RegularExpression("^[a-z-]+$")]
    public required string Action { get; init; }

    /// <summary>Type of object.</summary>
    /// <example>programme</example>
    [MaxLength(32)]
    [RegularExpression("^[a-z-]+$")]
    public required string ObjectType { get; init; }

    /// <summary>The record.</summary>
    public Guid? RecordId { get; init; }

    /// <summary>Its state code at the time.</summary>
    /// <example>6121BX028</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Z0-9]+$")]
    public string? Code { get; init; }

    /// <summary>Its registered version after the action.</summary>
    [Range(1, int.MaxValue)]
    public int? Version { get; init; }

    /// <summary>Its revision after the action.</summary>
    [Range(1, int.MaxValue)]
    public int? Revision { get; init; }

    /// <summary>Changed fields: path → { before, after }.</summary>
    public JsonObject? Changes { get; init; }

    /// <summary>Comment given with the action.</summary>
    [MaxLength(2000)]
    [RegularExpression(Smpkr.Api.Register.TextRules.MultiLinePattern)]
    public string? Comment { get; init; }

    /// <summary>Request id (also in the service's logs).</summary>
    [MaxLength(100)]
    [RegularExpression("^[^\\u0000-\\u001F]+$")]
    public string? RequestId { get; init; }

    /// <summary>Client address.</summary>
    /// <example>10.1.2.3</example>
    [MaxLength(64)]
    [RegularExpression("^[0-9a-fA-F:.]+$")]
    public string? ClientAddress { get; init; }

    public static AuditEntryResponse From(AuditEntry entry) => new()
    {
        Id = entry.Id,
        At = entry.At,
        Actor = entry.ActorSubject,
        Role = entry.ActorRole,
        Provider = entry.ActorProvider,
        Action = entry.Action,
        ObjectType = entry.ObjectType,
        RecordId = entry.RecordId,
        Code = entry.Code,
        Version = entry.Version,
        Revision = entry.Revision,
        Changes = entry.Changes is null ? null : JsonNode.Parse(entry.Changes)?.AsObject(),
        Comment = entry.Comment,
        RequestId = entry.RequestId,
        ClientAddress = entry.ClientAddress,
    };
}
