using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Smpkr.Api.Register;

/// <summary>
/// JSON already written with the API's options, written out as it is wherever the value goes in a response
/// (a member typed <c>object</c>, such as a record's facts).
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class JsonText(byte[] utf8)
{
    public byte[] Utf8 => utf8;

    private sealed class Converter : JsonConverter<JsonText>
    {
        public override JsonText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Written JSON is only written.");

        public override void Write(Utf8JsonWriter writer, JsonText value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8, skipInputValidation: true);
    }
}

/// <summary>
/// Written JSON of things that never change once committed, by key, at most <see cref="Capacity"/> of them
/// (the oldest go first). Nothing is ever invalidated: keys name immutable things only.
/// </summary>
public sealed class KeptJson<TKey>(int capacity)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, byte[]> _entries = new();
    private readonly ConcurrentQueue<TKey> _order = new();
    private int _count;
    private long _bytes;

    /// <summary>The most entries kept; 0 when none are.</summary>
    public int Capacity { get; } = Math.Max(0, capacity);

    /// <summary>How many entries are kept now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The JSON kept, in bytes.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The JSON kept for <paramref name="key"/>, if any.</summary>
    public bool TryGet(TKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? json) => _entries.TryGetValue(key, out json);

    /// <summary>The JSON kept for <paramref name="key"/>, or <paramref name="write"/>'s, kept from now on.</summary>
    public byte[] GetOrWrite<TState>(TKey key, TState state, Func<TState, byte[]> write)
    {
        if (_entries.TryGetValue(key, out var json))
        {
            return json;
        }

        json = write(state);
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
