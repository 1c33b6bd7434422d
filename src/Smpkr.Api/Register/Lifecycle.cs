namespace Smpkr.Api.Register;

/// <summary>What a caller asks to do to a record.</summary>
public enum RecordAction
{
    Edit,
    Submit,
    Withdraw,
    Approve,
    Return,
    Deregister,
    Delete,
    DiscardChange,
    RequestDeregistration,
    Recode,
}

/// <summary>A record's lifecycle position: its status and, when registered, its pending change.</summary>
public readonly record struct LifecycleState(RecordStatus Status, PendingChangeStatus? Pending, bool WasRegistered)
{
    public override string ToString() => Pending is { } pending
        ? $"{Status.ToString().ToLowerInvariant()} with a {pending.ToString().ToLowerInvariant()} pending change"
        : Status.ToString().ToLowerInvariant();
}

/// <summary>
/// The lifecycle of spec/domain.md §4 as one explicit table. Every write asks it first; a refusal
/// names the current state, and nothing else in the service decides which transitions exist.
/// </summary>
public static class Lifecycle
{
    /// <summary>The state after <paramref name="action"/>, or null when the action is not allowed now.</summary>
    public static LifecycleState? Next(LifecycleState state, RecordAction action) => (state.Status, state.Pending, action) switch
    {
        (RecordStatus.Draft, null, RecordAction.Edit) => state,
        (RecordStatus.Registered, null or PendingChangeStatus.Draft, RecordAction.Edit) => state with { Pending = PendingChangeStatus.Draft },

        (RecordStatus.Draft, null, RecordAction.Submit) => state with { Status = RecordStatus.Submitted },
        (RecordStatus.Registered, PendingChangeStatus.Draft, RecordAction.Submit) => state with { Pending = PendingChangeStatus.Submitted },

        (RecordStatus.Submitted, null, RecordAction.Withdraw) => state with { Status = RecordStatus.Draft },
        (RecordStatus.Registered, PendingChangeStatus.Submitted, RecordAction.Withdraw) => state with { Pending = PendingChangeStatus.Draft },

        // The registrar may register a draft directly, without a submission.
        (RecordStatus.Draft or RecordStatus.Submitted, null, RecordAction.Approve) =>
            new LifecycleState(RecordStatus.Registered, null, WasRegistered: true),
        (RecordStatus.Registered, not null, RecordAction.Approve) => state with { Pending = null },

        (RecordStatus.Submitted, null, RecordAction.Return) => state with { Status = RecordStatus.Draft },
        (RecordStatus.Registered, PendingChangeStatus.Submitted, RecordAction.Return) => state with { Pending = PendingChangeStatus.Draft },

        // Deregistration ends any pending change with the record.
        (RecordStatus.Registered, _, RecordAction.Deregister) => new LifecycleState(RecordStatus.Deregistered, null, WasRegistered: true),

        (RecordStatus.Draft, null, RecordAction.Delete) when !state.WasRegistered => state,

        (RecordStatus.Registered, not null, RecordAction.DiscardChange) => state with { Pending = null },

        (RecordStatus.Registered, _, RecordAction.RequestDeregistration) => state,

        (RecordStatus.Registered, _, RecordAction.Recode) => state,

        _ => null,
    };

    /// <summary>What the change feed says about a completed action, or null when nothing public changed.</summary>
    public static string? ChangeOp(RecordAction action, int? versionBefore, int? versionAfter) => action switch
    {
        RecordAction.Approve when versionBefore is null => ChangeOps.Registered,
        RecordAction.Approve when versionAfter != versionBefore => ChangeOps.Changed,
        RecordAction.Deregister => ChangeOps.Deregistered,
        RecordAction.Recode => ChangeOps.Recoded,
        _ => null,
    };

    /// <summary>Why an action is refused, for the 409 problem.</summary>
    public static string Refusal(LifecycleState state, RecordAction action) => action switch
    {
        RecordAction.Delete when state.WasRegistered || state.Status != RecordStatus.Draft =>
            $"Only a draft that was never registered can be deleted; this record is {state}. Registered records are deregistered instead.",
        RecordAction.Edit when state.Status == RecordStatus.Submitted || state.Pending == PendingChangeStatus.Submitted =>
            $"The record is {state}: withdraw the submission before editing it.",
        _ => $"'{Verb(action)}' is not allowed while the record is {state}.",
    };

    public static string Verb(RecordAction action) => action switch
    {
        RecordAction.DiscardChange => "discard-change",
        RecordAction.RequestDeregistration => "request-deregistration",
        _ => action.ToString().ToLowerInvariant(),
    };
}
