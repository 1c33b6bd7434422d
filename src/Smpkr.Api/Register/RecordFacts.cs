using Smpkr.Api.Data;

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
/// The facts of one type's records for reads by id or code: concurrent requests' records are asked
/// for together (<see cref="SharedReads{TKey, TResult}"/>), each source once per batch in a scope of its own.
/// A type without facts costs nothing.
/// </summary>
public sealed class SharedFacts<TBody> : IAsyncDisposable
    where TBody : class
{
    private readonly IServiceScopeFactory _scopes;
    private readonly SharedReads<Guid, Dictionary<string, object>?>? _reads;

    public SharedFacts(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        using var scope = scopes.CreateScope();
        if (scope.ServiceProvider.GetServices<IRecordFacts<TBody>>().Any())
        {
            _reads = new(ReadAllAsync);
        }
    }

    /// <summary>The record's facts by name, or null when it has none.</summary>
    public Task<Dictionary<string, object>?> ForAsync(Guid recordId, CancellationToken cancellationToken) =>
        _reads?.ReadAsync(recordId, cancellationToken) ?? Task.FromResult<Dictionary<string, object>?>(null);

    private async Task<Dictionary<string, object>?[]> ReadAllAsync(IReadOnlyList<Guid> ids)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var all = await RecordFacts.ForAsync(scope.ServiceProvider.GetServices<IRecordFacts<TBody>>(), ids.Distinct().ToList(), CancellationToken.None);
        return ids.Select(id => all.GetValueOrDefault(id)).ToArray();
    }

    public ValueTask DisposeAsync() => _reads?.DisposeAsync() ?? ValueTask.CompletedTask;
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
