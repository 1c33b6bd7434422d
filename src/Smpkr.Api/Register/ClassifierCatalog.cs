using Npgsql;

namespace Smpkr.Api.Register;

/// <summary>
/// Every classifier item in memory, for validating register content without a query per field.
/// Reloaded when older than <see cref="MaxAge"/> or after a change made through this process.
/// </summary>
public sealed class ClassifierCatalog(NpgsqlDataSource dataSource, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private Snapshot? _snapshot;

    public sealed record Item(string Code, string? Parent, DateOnly? ValidFrom, DateOnly? ValidTo)
    {
        public bool InForceOn(DateOnly day) => (ValidFrom is null || ValidFrom <= day) && (ValidTo is null || ValidTo >= day);
    }

    public sealed record Snapshot(IReadOnlyDictionary<string, IReadOnlyDictionary<string, Item>> Classifiers, DateTimeOffset LoadedAt)
    {
        public Item? Find(string abbreviation, string code) =>
            Classifiers.TryGetValue(abbreviation, out var items) && items.TryGetValue(code, out var item) ? item : null;
    }

    public void Invalidate() => _snapshot = null;

    public void Dispose() => _loading.Dispose();

    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        var current = _snapshot;
        if (current is not null && clock.GetUtcNow() - current.LoadedAt < MaxAge)
        {
            return current;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            current = _snapshot;
            if (current is not null && clock.GetUtcNow() - current.LoadedAt < MaxAge)
            {
                return current;
            }

            var items = new Dictionary<string, Dictionary<string, Item>>(StringComparer.Ordinal);
            await using var command = dataSource.CreateCommand(
                "SELECT classifier_abbreviation, code, parent_code, valid_from, valid_to FROM classifier_items");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var abbreviation = reader.GetString(0);
                if (!items.TryGetValue(abbreviation, out var byCode))
                {
                    items[abbreviation] = byCode = new Dictionary<string, Item>(StringComparer.Ordinal);
                }

                byCode[reader.GetString(1)] = new Item(
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4));
            }

            _snapshot = current = new Snapshot(
                items.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, Item>)p.Value, StringComparer.Ordinal),
                clock.GetUtcNow());
            return current;
        }
        finally
        {
            _loading.Release();
        }
    }
}
