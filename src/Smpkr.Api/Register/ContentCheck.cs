using Smpkr.Api.Problems;

namespace Smpkr.Api.Register;

/// <summary>
/// Collects the broken rules of one body: text rules, classifier membership (the item must be in
/// force today), ranges and dates. Each register type states its rules with these few verbs.
/// </summary>
public sealed class ContentCheck(ClassifierCatalog.Snapshot classifiers, DateOnly today)
{
    public List<FieldError> Errors { get; } = [];

    public DateOnly Today { get; } = today;

    public ClassifierCatalog.Snapshot Classifiers { get; } = classifiers;

    public void Add(string path, string code, string message) => Errors.Add(new FieldError(path, code, message));

    public bool Required(string path, object? value)
    {
        if (value is null || value is string { Length: 0 })
        {
            Add(path, "value.required", "A value is required.");
            return false;
        }

        return true;
    }

    public void Name(string path, LocalizedTextInput? name, bool required = true) => TextRules.CheckName(Errors, path, name, required);

    public void LongText(string path, LocalizedLongTextInput? text, bool required = false) => TextRules.CheckLongText(Errors, path, text, required);

    public void Text(string path, string? value, int maxLength, bool required = false) =>
        TextRules.Check(Errors, path, value, maxLength, required);

    /// <summary>The code must be an item of the classifier that is in force today.</summary>
    public ClassifierCatalog.Item? InClassifier(string path, string? code, string abbreviation, bool required = true)
    {
        if (code is null)
        {
            if (required)
            {
                Add(path, "value.required", $"A value from {abbreviation} is required.");
            }

            return null;
        }

        var item = Classifiers.Find(abbreviation, code);
        if (item is null)
        {
            Add(path, "classifier.unknown-code", $"'{Shorten(code)}' is not an item of {abbreviation}.");
            return null;
        }

        if (!item.InForceOn(Today))
        {
            Add(path, "classifier.not-in-force", $"'{code}' of {abbreviation} is not in force on {Today:yyyy-MM-dd}.");
            return null;
        }

        return item;
    }

    public void EachInClassifier(string path, IReadOnlyList<string>? codes, string abbreviation, int minCount, int maxCount)
    {
        if ((codes is null || codes.Count == 0) && minCount == 0)
        {
            return;
        }

        if (codes is null || codes.Count < minCount)
        {
            Add(path, "value.required", $"At least {minCount} value(s) from {abbreviation} required.");
            return;
        }

        if (codes.Count > maxCount)
        {
            Add(path, "list.too-long", $"At most {maxCount} values.");
            return;
        }

        for (var i = 0; i < codes.Count; i++)
        {
            InClassifier($"{path}[{i}]", codes[i], abbreviation);
        }

        if (codes.Distinct(StringComparer.Ordinal).Count() != codes.Count)
        {
            Add(path, "list.duplicate", "A value is listed twice.");
        }
    }

    public void Range(string path, int? value, int min, int max, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(path, "value.required", "A value is required.");
            }

            return;
        }

        if (value < min || value > max)
        {
            Add(path, "value.out-of-range", $"Must be between {min} and {max}; got {value}.");
        }
    }

    public void NotInFuture(string path, DateOnly? date)
    {
        if (date is { } d && d > Today)
        {
            Add(path, "date.in-future", $"{d:yyyy-MM-dd} is in the future.");
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
