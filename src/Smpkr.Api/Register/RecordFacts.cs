using Npgsql;

namespace Smpkr.Api.Register;

/// <summary>
/// Facts about records of one type that are kept beside their versions and shown with them under
/// <c>facts</c> (a study programme's current accreditation). A resource folder registers one (a singleton);
/// the machinery asks for all of a page's or a batch's records at once, on the connection it read them on
/// (a write's own transaction, or the connection of a batch of reads).
/// </summary>
public interface IRecordFacts<TBody>
    where TBody : class
{
    /// <summary>The member under <c>facts</c>, e.g. <c>accreditation</c>.</summary>
    string Name { get; }

    /// <summary>The shape of one fact, for the contract.</summary>
    Type Shape { get; }

    /// <summary>The fact of each record that has one, read on <paramref name="connection"/> (open).</summary>
    Task<IReadOnlyDictionary<Guid, object>> ForAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> recordIds, CancellationToken cancellationToken);
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

    /// <summary>The fact of each record that has one, read on <paramref name="connection"/> (open).</summary>
    Task<IReadOnlyDictionary<Guid, object>> ForAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> recordIds, CancellationToken cancellationToken);
}

internal sealed class TypeFacts<TBody>(RegisterType<TBody> type, IRecordFacts<TBody> source) : ITypeFacts
    where TBody : class
{
    public string ObjectType => type.ObjectType;

    public string Name => source.Name;

    public Task<IReadOnlyDictionary<Guid, object>> ForAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> recordIds, CancellationToken cancellationToken) =>
        source.ForAsync(connection, recordIds, cancellationToken);
}

/// <summary>Gathering the facts of many records from a type's sources.</summary>
public static class RecordFacts
{
    /// <summary>Each record's facts by the sources' names; records without facts are left out.</summary>
    public static async Task<Dictionary<Guid, Dictionary<string, object>>> ForAsync<TBody>(
        IEnumerable<IRecordFacts<TBody>> sources, NpgsqlConnection connection, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
        where TBody : class
    {
        var all = new Dictionary<Guid, Dictionary<string, object>>();
        foreach (var source in sources)
        {
            foreach (var (id, fact) in await source.ForAsync(connection, ids, cancellationToken))
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
