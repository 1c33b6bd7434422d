using Smpkr.Api.Auth;

namespace Smpkr.Api.Register;

/// <summary>
/// Who may see and do what to a register record (spec/domain.md §5). A provider sees its own
/// records whole and others' only once registered, without pending changes or comments; what a
/// caller may not know exists is a 404, what it may see but not touch a 403.
/// </summary>
public static class RecordAccess
{
    /// <summary>The record exists for this caller.</summary>
    public static bool CanSee(Caller caller, RegisterRecord record) =>
        SeesEverything(caller) || IsOwner(caller, record) || record.WasRegistered;

    /// <summary>Drafts, pending changes, comments and audit entries of the record.</summary>
    public static bool CanSeeInternals(Caller caller, RegisterRecord record) => SeesEverything(caller) || IsOwner(caller, record);

    public static bool SeesEverything(Caller caller) => caller.IsRegistrar || caller.IsAuditor;

    public static bool IsOwner(Caller caller, RegisterRecord record) => caller.Provider is not null && caller.Provider == record.Owner;

    /// <summary>Whether the caller may take <paramref name="action"/>, given the type's owner role.</summary>
    public static bool MayAct(Caller caller, RegisterRecord record, RecordAction action, string ownerRole) => action switch
    {
        RecordAction.Approve or RecordAction.Return or RecordAction.Deregister or RecordAction.Recode => caller.IsRegistrar,
        _ => caller.IsRegistrar || (caller.Has(ownerRole) && IsOwner(caller, record)),
    };
}
