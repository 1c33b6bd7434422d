using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Publication;

/// <summary>The representations of open data: JSON (default), JSON Lines and CSV.</summary>
public enum OpenFormat
{
    Json,
    JsonLines,
    Csv,
}

public static class Formats
{
    public const string Json = "application/json";
    public const string JsonLines = "application/x-ndjson";
    public const string Csv = "text/csv";

    /// <summary>Every media type an open-data endpoint may answer with.</summary>
    public static readonly string[] All = [Json, JsonLines, Csv];

    private static readonly string[] JsonLinesAliases = [JsonLines, "application/jsonl", "application/jsonlines", "application/x-jsonlines"];

    /// <summary>
    /// The format asked for: <c>format=</c> wins; else the first media type of <c>Accept</c> (by quality)
    /// that names one; else JSON. An unknown <c>format</c> value is an error.
    /// </summary>
    public static OpenFormat? Choose(HttpRequest request, string? format, List<FieldError> errors)
    {
        if (format is not null)
        {
            switch (format.ToLowerInvariant())
            {
                case "json":
                    return OpenFormat.Json;
                case "jsonl" or "ndjson":
                    return OpenFormat.JsonLines;
                case "csv":
                    return OpenFormat.Csv;
                default:
                    errors.Add(new FieldError("format", "format.unknown", $"'{format}' is not a format: use json, jsonl or csv."));
                    return null;
            }
        }

        if (MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var ranges))
        {
            foreach (var range in ranges.OrderByDescending(r => r.Quality ?? 1))
            {
                var type = range.MediaType.Value ?? string.Empty;
                if (JsonLinesAliases.Contains(type, StringComparer.OrdinalIgnoreCase))
                {
                    return OpenFormat.JsonLines;
                }

                if (type.Equals(Csv, StringComparison.OrdinalIgnoreCase))
                {
                    return OpenFormat.Csv;
                }

                if (type.Equals(Json, StringComparison.OrdinalIgnoreCase) || type is "*/*" or "application/*")
                {
                    return OpenFormat.Json;
                }
            }
        }

        return OpenFormat.Json;
    }

    public static string ContentType(OpenFormat format) => format switch
    {
        OpenFormat.JsonLines => JsonLines + "; charset=utf-8",
        OpenFormat.Csv => Csv + "; charset=utf-8; header=present",
        _ => Json + "; charset=utf-8",
    };

    public static string Suffix(OpenFormat format) => format switch
    {
        OpenFormat.JsonLines => "jsonl",
        OpenFormat.Csv => "csv",
        _ => "json",
    };
}

/// <summary>RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, a quote or a line break.</summary>
public static class CsvText
{
    public static string Line(IEnumerable<string?> fields)
    {
        var line = new StringBuilder();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                line.Append(',');
            }

            first = false;
            Append(line, field);
        }

        return line.Append("\r\n").ToString();
    }

    private static void Append(StringBuilder line, string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return;
        }

        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(field);
            return;
        }

        line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    /// <summary>The header line of a type's records, optionally after leading columns of the response's own.</summary>
    public static string Header(IReadOnlyList<CsvColumn> columns, params string[] leading) =>
        Line([.. leading, .. columns.Select(c => c.Name)]);

    /// <summary>One published record, given as UTF-8 JSON, as a CSV line, optionally after leading cells.</summary>
    public static string Row(IReadOnlyList<CsvColumn> columns, byte[] json, params string?[] leading)
    {
        var record = JsonNode.Parse(json)!.AsObject();
        return Line([.. leading, .. columns.Select(c => Cell(record, c))]);
    }

    private static string? Cell(JsonObject record, CsvColumn column)
    {
        JsonNode? node = record;
        foreach (var step in column.Path)
        {
            node = node is JsonObject members ? members[step] : null;
        }

        // A kind may give a field another shape than the column's (a study programme's award is text,
        // a vocational one's a code): such a value is not this column's.
        return (column.Cell, node) switch
        {
            (_, null) => null,
            (CsvCell.Scalar, JsonValue value) => Scalar(value),
            (CsvCell.List, JsonArray items) => string.Join(';', items.Select(i => i is JsonValue v ? Scalar(v) : null)),
            (CsvCell.Json, JsonArray or JsonObject) => node.ToJsonString(PublishedJson.Options),
            _ => null,
        };
    }

    private static string? Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.ToJsonString(),
        _ => null,
    };

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
