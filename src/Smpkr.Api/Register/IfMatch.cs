using System.Text.RegularExpressions;

namespace Smpkr.Api.Register;

/// <summary>The form an If-Match header takes here: one strong ETag (a quoted revision) or <c>*</c>.</summary>
public static partial class IfMatch
{
    public const string Pattern = "^(\"[0-9]+\"|\\*)$";

    public static bool IsWellFormed(string value) => Regex().IsMatch(value);

    [GeneratedRegex(Pattern)]
    private static partial Regex Regex();
}
