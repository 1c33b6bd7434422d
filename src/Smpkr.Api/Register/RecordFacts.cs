namespace Smpkr.Api.Register;

/// <summary>
/// Facts about records of one type that are kept beside their versions and shown with them under
/// <c>facts</c> (a study programme's current accreditation). A resource folder registers one; the
/// machinery asks for all of a page's records at once.
/// </summary>
public interface IRecordFacts<TBody>
    where TBody : class
{
    /// <summary>The member under <c>facts</c>, e.g. <c>accreditation</c>.</summary>
    string Name { get; }

    /// <summary>The shape of one fact, for the contract.</summary>
    Type Shape { get; }

    /// <summary>The fact of each record that has one.</summary>
    Task<IReadOnlyDictionary<Guid, object>> ForAsync(IReadOnlyCollection<Guid> recordIds, CancellationToken cancellationToken);
}
