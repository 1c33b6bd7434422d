using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Smpkr.Api.Register;

/// <summary>
/// The registered content of record versions as the API writes it (UTF-8 JSON), by record and version.
/// A version never changes once committed (<c>record_versions</c> refuses updates), so an entry never goes
/// stale: reads by id or code and every list and search page write a kept version's JSON as it is instead
/// of reading the stored content into objects and writing them out again (with the decisions' scores, about
/// 31 % of the service's CPU on pages of 50 records). Only versions read back from the database are kept, never one
/// written by a transaction that has not committed. <c>Register:ContentCacheSize</c> bounds the entries
/// (default 20 000; 0 keeps none).
/// </summary>
public sealed class VersionJson(RegisterBodies bodies, IConfiguration configuration)
{
    private readonly KeptJson<(Guid RecordId, int Version)> _kept = new(configuration.GetValue("Register:ContentCacheSize", 20_000));

    /// <summary>The versions kept, and their bytes.</summary>
    public KeptJson<(Guid RecordId, int Version)> Kept => _kept;

    /// <summary>The version's content as the API writes it; <paramref name="version"/> must be committed.</summary>
    public byte[] Of<TBody>(RecordVersion version)
        where TBody : class =>
        _kept.GetOrWrite((version.RecordId, version.Version), version.Content,
            content => JsonSerializer.SerializeToUtf8Bytes(bodies.Deserialize<TBody>(content), bodies.Options));
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
