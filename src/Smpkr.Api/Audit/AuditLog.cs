using System.Text.Json.Nodes;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;

namespace Smpkr.Api.Audit;

/// <summary>The one way entries enter the audit log: added to the caller's unit of work, saved with the change itself.</summary>
public static class AuditLog
{
    public static void Append(
        SmpkrDbContext db, Caller caller, DateTimeOffset at, string action, string objectType, string? code,
        JsonObject changes, Guid? recordId = null, string? owner = null, int? version = null, int? revision = null, string? comment = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = at,
            ActorSubject = caller.Subject,
            ActorRole = caller.MainRole,
            ActorProvider = caller.Provider,
            Action = action,
            ObjectType = objectType,
            RecordId = recordId,
            Code = code,
            Owner = owner,
            Version = version,
            Revision = revision,
            Changes = changes.Count == 0 ? null : changes.ToJsonString(),
            Comment = comment,
            RequestId = caller.RequestId,
            ClientAddress = caller.ClientAddress,
        });
}
