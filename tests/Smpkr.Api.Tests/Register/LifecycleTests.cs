using Smpkr.Api.Register;

namespace Smpkr.Api.Tests.Register;

/// <summary>The lifecycle table itself, every state × action, without HTTP or database.</summary>
public sealed class LifecycleTests
{
    private static readonly LifecycleState Draft = new(RecordStatus.Draft, null, false);
    private static readonly LifecycleState ReturnedDraftOfRegistered = new(RecordStatus.Draft, null, true);
    private static readonly LifecycleState Submitted = new(RecordStatus.Submitted, null, false);
    private static readonly LifecycleState Registered = new(RecordStatus.Registered, null, true);
    private static readonly LifecycleState WithChange = new(RecordStatus.Registered, PendingChangeStatus.Draft, true);
    private static readonly LifecycleState WithSubmittedChange = new(RecordStatus.Registered, PendingChangeStatus.Submitted, true);
    private static readonly LifecycleState Deregistered = new(RecordStatus.Deregistered, null, true);

    private static readonly object?[] Table =
    [
        new object?[] { Draft, RecordAction.Edit, Draft },
        new object?[] { Draft, RecordAction.Submit, Submitted },
        new object?[] { Draft, RecordAction.Approve, Registered },
        new object?[] { Draft, RecordAction.Delete, Draft },
        new object?[] { Draft, RecordAction.Withdraw, null },
        new object?[] { Draft, RecordAction.Return, null },
        new object?[] { Draft, RecordAction.Deregister, null },
        new object?[] { ReturnedDraftOfRegistered, RecordAction.Delete, null },
        new object?[] { Submitted, RecordAction.Edit, null },
        new object?[] { Submitted, RecordAction.Withdraw, Draft },
        new object?[] { Submitted, RecordAction.Return, Draft },
        new object?[] { Submitted, RecordAction.Approve, Registered },
        new object?[] { Submitted, RecordAction.Submit, null },
        new object?[] { Submitted, RecordAction.Delete, null },
        new object?[] { Registered, RecordAction.Edit, WithChange },
        new object?[] { Registered, RecordAction.Submit, null },
        new object?[] { Registered, RecordAction.Approve, null },
        new object?[] { Registered, RecordAction.Delete, null },
        new object?[] { Registered, RecordAction.Deregister, Deregistered },
        new object?[] { Registered, RecordAction.RequestDeregistration, Registered },
        new object?[] { Registered, RecordAction.DiscardChange, null },
        new object?[] { Registered, RecordAction.Recode, Registered },
        new object?[] { WithChange, RecordAction.Recode, WithChange },
        new object?[] { Draft, RecordAction.Recode, null },
        new object?[] { WithChange, RecordAction.Edit, WithChange },
        new object?[] { WithChange, RecordAction.Submit, WithSubmittedChange },
        new object?[] { WithChange, RecordAction.Approve, Registered },
        new object?[] { WithChange, RecordAction.DiscardChange, Registered },
        new object?[] { WithChange, RecordAction.Withdraw, null },
        new object?[] { WithSubmittedChange, RecordAction.Edit, null },
        new object?[] { WithSubmittedChange, RecordAction.Withdraw, WithChange },
        new object?[] { WithSubmittedChange, RecordAction.Return, WithChange },
        new object?[] { WithSubmittedChange, RecordAction.Approve, Registered },
        new object?[] { WithSubmittedChange, RecordAction.Deregister, Deregistered },
        new object?[] { Deregistered, RecordAction.Edit, null },
        new object?[] { Deregistered, RecordAction.Approve, null },
        new object?[] { Deregistered, RecordAction.Deregister, null },
        new object?[] { Deregistered, RecordAction.Delete, null },
        new object?[] { Deregistered, RecordAction.RequestDeregistration, null },
    ];

    [TestCaseSource(nameof(Table))]
    public void Each_state_allows_exactly_the_transitions_of_the_spec(LifecycleState from, RecordAction action, LifecycleState? to) =>
        Assert.That(Lifecycle.Next(from, action), Is.EqualTo(to));

    [Test]
    public void A_refusal_names_the_current_state()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Lifecycle.Refusal(WithSubmittedChange, RecordAction.Edit), Does.Contain("registered with a submitted pending change"));
            Assert.That(Lifecycle.Refusal(Registered, RecordAction.Delete), Does.Contain("deregistered instead"));
            Assert.That(Lifecycle.Refusal(Deregistered, RecordAction.Approve), Does.Contain("'approve' is not allowed while the record is deregistered"));
        });
    }
}
