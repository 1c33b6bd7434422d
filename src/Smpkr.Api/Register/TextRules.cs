using Smpkr.Api.Problems;

namespace Smpkr.Api.Register;

/// <summary>
/// Rules every text field of the register obeys: a maximum length, no control characters (NUL
/// included; line breaks and tabs only where multi-line text is allowed), no leading or trailing blanks.
/// </summary>
public static class TextRules
{
    /// <summary>Names are at most 250 characters (spec/domain.md §2).</summary>
    public const int NameMaxLength = 250;

    /// <summary>Description sections and other long texts.</summary>
    public const int LongTextMaxLength = 5000;

    /// <summary>What a single-line text looks like, stated in the contract: no control characters, no outer blanks.</summary>
    public const string SingleLinePattern = @"^[^\s\u0000-\u001F\u007F-\u009F](?:[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F])?$";

    /// <summary>Multi-line text: line breaks and tabs allowed, other control characters not.</summary>
    public const string MultiLinePattern = @"^(?:[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F])*$";

    public static void Check(List<FieldError> errors, string path, string? value, int maxLength, bool required, bool multiline = false)
    {
        if (value is null || value.Length == 0)
        {
            if (required)
            {
                errors.Add(new FieldError(path, "text.required", "A value is required."));
            }

            return;
        }

        if (value.Length > maxLength)
        {
            errors.Add(new FieldError(path, "text.too-long", $"At most {maxLength} characters; this has {value.Length}."));
        }

        if (value.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            errors.Add(new FieldError(path, "text.control-character", "Control characters (such as NUL) are not allowed."));
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new FieldError(path, "text.blank", "The value must not be blank."));
        }
        else if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            errors.Add(new FieldError(path, "text.untrimmed", "Leading or trailing spaces are not allowed."));
        }
    }

    public static void CheckName(List<FieldError> errors, string path, LocalizedTextInput? name, bool required = true)
    {
        if (name is null)
        {
            if (required)
            {
                errors.Add(new FieldError(path, "text.required", "A name with at least its Lithuanian text ('lt') is required."));
            }

            return;
        }

        Check(errors, $"{path}.lt", name.Lt, NameMaxLength, required: true);
        Check(errors, $"{path}.en", name.En, NameMaxLength, required: false);
    }

    public static void CheckLongText(List<FieldError> errors, string path, LocalizedLongTextInput? text, bool required = false)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add(new FieldError(path, "text.required", "A text with at least its Lithuanian part ('lt') is required."));
            }

            return;
        }

        Check(errors, $"{path}.lt", text.Lt, LongTextMaxLength, required: true, multiline: true);
        Check(errors, $"{path}.en", text.En, LongTextMaxLength, required: false, multiline: true);
    }
}
