using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Smpkr.Api.Search;

/// <summary>
/// Where the previous page ended: the sort key and id of its last record, bound to the search that
/// issued it. Encoded as base64url JSON so it is opaque to clients and round-trips keys exactly
/// (a relevance score travels as its bit pattern).
/// </summary>
public sealed record SearchCursor(SearchSort Sort, string? Key, Guid Id)
{
    /// <summary>How the search text matched on the first page (<c>e</c> its words, <c>n</c> as a near-miss); later pages keep it.</summary>
    public string? Mode { get; init; }

    public string Write(string fingerprint)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Payload(fingerprint, Sort.ToString(), Key, Id, Mode), Json);
        return Base64Url.EncodeToString(json);
    }

    /// <summary>The cursor, or null when it is malformed or belongs to another search or order.</summary>
    public static SearchCursor? Read(string cursor, SearchSort sort, string fingerprint)
    {
        if (cursor.Length is 0 or > MaxLength)
        {
            return null;
        }

        try
        {
            var payload = JsonSerializer.Deserialize<Payload>(Base64Url.DecodeFromChars(cursor), Json);
            if (payload is null || payload.F != fingerprint || payload.S != sort.ToString() || !KeyIsValid(sort, payload.K) || payload.M is not (null or "e" or "n"))
            {
                return null;
            }

            return new SearchCursor(sort, payload.K, payload.I) { Mode = payload.M };
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The longest cursor issued: a name key of 250 characters in any script, as UTF-8 in base64.</summary>
    public const int MaxLength = 2048;

    /// <summary>Keys travel as UTF-8, not as \u escapes, so a long non-Latin name still fits <see cref="MaxLength"/>.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string KeyOf(double score) => BitConverter.DoubleToInt64Bits(score).ToString(CultureInfo.InvariantCulture);

    public double Score => BitConverter.Int64BitsToDouble(long.Parse(Key!, CultureInfo.InvariantCulture));

    public DateOnly Date => DateOnly.ParseExact(Key!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public DateTimeOffset Instant => new(long.Parse(Key!, CultureInfo.InvariantCulture), TimeSpan.Zero);

    private static bool KeyIsValid(SearchSort sort, string? key) => sort switch
    {
        SearchSort.Created => key is null,
        SearchSort.Relevance or SearchSort.ChangedAt or SearchSort.ChangedAtDescending =>
            long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ticks)
            && (sort == SearchSort.Relevance || ticks is >= 0 and <= 3155378975999999999),
        SearchSort.RegisteredOn or SearchSort.RegisteredOnDescending =>
            DateOnly.TryParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        _ => key is not null && key.Length <= 1000 && !key.Contains('\0', StringComparison.Ordinal),
    };

    private sealed record Payload(string F, string S, string? K, Guid I, string? M);
}
