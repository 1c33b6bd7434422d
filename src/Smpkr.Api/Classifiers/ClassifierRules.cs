using System.Text.RegularExpressions;
using Smpkr.Api.Problems;
using Smpkr.Api.Register;

namespace Smpkr.Api.Classifiers;

/// <summary>The rules a classifier item obeys, in one place; the parent's existence is checked by the caller against the database.</summary>
public static partial class ClassifierRules
{
    public const int AbbreviationMaxLength = 64;
    public const int CodeMaxLength = 64;
    public const int DescriptionMaxLength = 2000;

    /// <summary>The largest classifier the register serves whole (ISCED-F has about 220 items).</summary>
    public const int MaxItems = 5000;

    public const string AbbreviationPattern = "^[A-Z][A-Z0-9_]*$";
    public const string CodePattern = "^[A-Za-z0-9][A-Za-z0-9._-]*$";

    public static List<FieldError> Check(NewClassifierItem item)
    {
        var errors = new List<FieldError>();
        TextRules.Check(errors, "code", item.Code, CodeMaxLength, required: true);
        if (item.Code is { Length: > 0 and <= CodeMaxLength } code && !CodeRegex().IsMatch(code))
        {
            errors.Add(new FieldError("code", "classifier.code-format", "Use letters, digits, '.', '_' or '-', starting with a letter or digit."));
        }

        TextRules.CheckName(errors, "name", item.Name);
        TextRules.Check(errors, "description", item.Description, DescriptionMaxLength, required: false, multiline: true);
        TextRules.Check(errors, "parent", item.Parent, CodeMaxLength, required: false);
        if (item.ValidFrom is { } from && item.ValidTo is { } to && to < from)
        {
            errors.Add(new FieldError("validTo", "dates.out-of-order", "validTo must not be before validFrom."));
        }

        return errors;
    }

    [GeneratedRegex(CodePattern)]
    private static partial Regex CodeRegex();
}
