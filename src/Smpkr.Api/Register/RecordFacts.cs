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

/// <summary>
/// One facts source seen without its body type, so that the shared reads of records of any type
/// (<see cref="RecordReads"/>) can ask it for a whole batch of its type's records.
/// </summary>
public interface ITypeFacts
{
    string ObjectType { get; }

    /// <summary>The member under <c>facts</c>.</summary>
    string Name { get; }

    /// <summary>The fact of each record that has one, with the source taken from <paramref name="services"/> (a scope).</summary>
    Task<IReadOnlyDictionary<Guid, object>> ForAsync(IServiceProvider services, IReadOnlyCollection<Guid> recordIds, CancellationToken cancellationToken);
}

internal sealed class TypeFacts<TBody, TFacts>(RegisterType<TBody> type, string name) : ITypeFacts
    where TBody : class
    where TFacts : IRecordFacts<TBody>
{
    public string ObjectType => type.ObjectType;

    public string Name => name;

    public Task<IReadOnlyDictionary<Guid, object>> ForAsync(IServiceProvider services, IReadOnlyCollection<Guid> recordIds, CancellationToken cancellationToken) =>
        services.GetRequiredService<TFacts>().ForAsync(recordIds, cancellationToken);
}

/// <summary>Gathering the facts of many records from a type's sources.</summary>
public static class RecordFacts
{
    /// <summary>Each record's facts by the sources' names; records without facts are left out.</summary>
    public static async Task<Dictionary<Guid, Dictionary<string, object>>> ForAsync<TBody>(
        IEnumerable<IRecordFacts<TBody>> sources, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
        where TBody : class
    {
        var all = new Dictionary<Guid, Dictionary<string, object>>();
        foreach (var source in sources)
        {
            foreach (var (id, fact) in await source.ForAsync(ids, cancellationToken))
            {
                if (!all.TryGetValue(id, out var members))
                {
                    all[id] = members = new Dictionary<string, object>(StringComparer.Ordinal);
                }

                members[source.Name] = fact;
            }
        }

        return all;
    }
}
