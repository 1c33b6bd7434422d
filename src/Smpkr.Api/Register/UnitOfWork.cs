namespace Smpkr.Api.Register;

/// <summary>
/// How the writes of one scope reach the database. A request saves each write at once; a batch
/// collects a run of creates (which read nothing back) and saves them together, in one round of
/// statements instead of one per line.
/// </summary>
public sealed class UnitOfWork
{
    /// <summary>While true, creates are added to the context and saved by whoever set it.</summary>
    public bool DeferSaves { get; set; }
}
