using System.Globalization;
using System.Text;

namespace Smpkr.Api.Classifiers;

/// <summary>
/// The classifier exchange format: RFC 4180 CSV with the header
/// <c>code,nameLt,nameEn,parent,validFrom,validTo</c> (seed files and registrar uploads alike).
/// </summary>
internal static class ClassifierCsv
{
    public static readonly string[] ItemHeader = ["code", "nameLt", "nameEn", "parent", "validFrom", "validTo"];
    public static readonly string[] IndexHeader = ["abbreviation", "nameLt", "nameEn", "description"];

    public sealed record Row(int Line, string[] Fields);

    public sealed record Item(string Code, string NameLt, string? NameEn, string? Parent, DateOnly? ValidFrom, DateOnly? ValidTo);

    /// <summary>Reads items; a row that breaks the format throws <see cref="FormatException"/> naming its line.</summary>
    public static List<Item> ReadItems(TextReader reader) => ReadRows(reader, ItemHeader).Select(ToItem).ToList();

    /// <summary>One row of an item file as an item; a broken field throws <see cref="FormatException"/> naming the row's line.</summary>
    public static Item ToItem(Row row) => new(
        Required(row, 0, "code"),
        Required(row, 1, "nameLt"),
        Optional(row.Fields[2]),
        Optional(row.Fields[3]),
        Date(row, 4, "validFrom"),
        Date(row, 5, "validTo"));

    public static List<Row> ReadRows(TextReader reader, string[] header)
    {
        var records = Parse(reader).ToList();
        if (records.Count == 0 || !records[0].Fields.SequenceEqual(header, StringComparer.Ordinal))
        {
            throw new FormatException($"The first line must be the header '{string.Join(',', header)}'.");
        }

        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Length != header.Length)
            {
                throw new FormatException($"Line {record.Line} has {record.Fields.Length} fields; {header.Length} expected.");
            }
        }

        return records.Skip(1).ToList();
    }

    private static string Required(Row row, int index, string name) =>
        Optional(row.Fields[index]) ?? throw new FormatException($"Line {row.Line}: '{name}' is required.");

    private static string? Optional(string value) => value.Length == 0 ? null : value;

    private static DateOnly? Date(Row row, int index, string name)
    {
        var value = row.Fields[index];
        if (value.Length == 0)
        {
            return null;
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new FormatException($"Line {row.Line}: '{name}' must be a date YYYY-MM-DD, not '{value}'.");
    }

    private static IEnumerable<Row> Parse(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var fieldStarted = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (fieldStarted || field.Length > 0 || fields.Count > 0)
                    {
                        fields.Add(field.ToString());
                        yield return new Row(recordLine, [.. fields]);
                    }

                    fields.Clear();
                    field.Clear();
                    fieldStarted = false;
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }

        if (inQuotes)
        {
            throw new FormatException($"Line {recordLine}: a quoted field is not closed.");
        }

        if (fieldStarted || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return new Row(recordLine, [.. fields]);
        }
    }
}
