using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Smpkr.Api.Register;

/// <summary>
/// The registered content of record versions as the API writes it (UTF-8 JSON), by record and version.
/// A version never changes once committed (<c>record_versions</c> refuses updates), so an entry never goes
/// stale and needs no invalidation: reads by id or code and every list and search page write a cached
/// version's JSON as it is instead of reading the stored content into objects and writing them out again
/// (on a page of 50 records that was a third of the service's CPU). Only versions read back from the
/// database are kept, never one written by a transaction that has not committed.
/// <c>Register:ContentCacheSize</c> bounds the entries (default 20 000; 0 keeps none); the oldest go first.
/// </summary>
public sealed class VersionJson
{
    private readonly ConcurrentDictionary<(Guid RecordId, int Version), byte[]> _entries = new();
    private readonly ConcurrentQueue<(Guid RecordId, int Version)> _order = new();
    private readonly RegisterBodies _bodies;
    private int _count;
    private long _bytes;

    public VersionJson(RegisterBodies bodies, IConfiguration configuration)
    {
        _bodies = bodies;
        Capacity = Math.Max(0, configuration.GetValue("Register:ContentCacheSize", 20_000));
    }

    /// <summary>The most versions kept; 0 when none are.</summary>
    public int Capacity { get; }

    /// <summary>How many versions are kept now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The JSON kept, in bytes.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The version's content as the API writes it; <paramref name="version"/> must be committed.</summary>
    public byte[] Of<TBody>(RecordVersion version)
        where TBody : class
    {
        var key = (version.RecordId, version.Version);
        if (_entries.TryGetValue(key, out var json))
        {
            return json;
        }

        json = JsonSerializer.SerializeToUtf8Bytes(_bodies.Deserialize<TBody>(version.Content), _bodies.Options);
        if (Capacity > 0 && _entries.TryAdd(key, json))
        {
            _order.Enqueue(key);
            Interlocked.Add(ref _bytes, json.Length);
            if (Interlocked.Increment(ref _count) > Capacity && _order.TryDequeue(out var oldest) && _entries.TryRemove(oldest, out var removed))
            {
                Interlocked.Decrement(ref _count);
                Interlocked.Add(ref _bytes, -removed.Length);
            }
        }

        return json;
    }
}

/// <summary>A response whose <c>data</c> may come as JSON already written (<see cref="VersionJson"/>).</summary>
internal interface IHasDataJson
{
    byte[]? DataJson { get; }
}

/// <summary>
/// How <see cref="RecordResponse{TBody}"/>'s <c>data</c> is written: its JSON as kept when there is some,
/// else the object, exactly as before. A change of how it is written, not of the contract: the member
/// keeps its name, place and type in the OpenAPI document.
/// </summary>
internal static class DataJsonContract
{
    public static void Modify(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || !typeof(IHasDataJson).IsAssignableFrom(info.Type))
        {
            return;
        }

        for (var i = 0; i < info.Properties.Count; i++)
        {
            var data = info.Properties[i];
            if (data.Name != "data" || data.Get is not { } getValue)
            {
                continue;
            }

            var declared = data.PropertyType;
            var written = info.CreateJsonPropertyInfo(typeof(DataValue), data.Name);
            written.Get = response => ((IHasDataJson)response).DataJson is { } json
                ? new DataValue(json, null, declared)
                : getValue(response) is { } value ? new DataValue(null, value, declared) : null;
            info.Properties[i] = written;
        }
    }

    [JsonConverter(typeof(Converter))]
    private sealed record DataValue(byte[]? Json, object? Value, Type Declared);

    private sealed class Converter : JsonConverter<DataValue>
    {
        public override DataValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Responses are only written.");

        public override void Write(Utf8JsonWriter writer, DataValue value, JsonSerializerOptions options)
        {
            if (value.Json is { } json)
            {
                writer.WriteRawValue(json, skipInputValidation: true);
            }
            else
            {
                JsonSerializer.Serialize(writer, value.Value, value.Declared, options);
            }
        }
    }
}
