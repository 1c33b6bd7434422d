using System.Text.RegularExpressions;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Register;

/// <summary>The form an If-Match header takes here: one strong ETag (a quoted revision) or <c>*</c>.</summary>
public static partial class IfMatch
{
    public const string Pattern = "^(\"[0-9]+\"|\\*)$";

    public static bool IsWellFormed(string value) => Regex().IsMatch(value);

    /// <summary>
    /// Why a write to something at <paramref name="revision"/> may not go ahead with this If-Match:
    /// missing (428), not an ETag as sent (400, <c>Error</c>), or another revision (412); both null when it names the current one.
    /// </summary>
    public static (RegisterProblem? Problem, FieldError? Error) Check(HttpContext http, string? ifMatch, int revision, string noun)
    {
        var etag = $"\"{revision}\"";
        if (ifMatch is null)
        {
            return (Problem.PreconditionRequired(http, $"Send If-Match with the {noun}'s current ETag ({etag}) so that no one's change is overwritten."), null);
        }

        if (!IsWellFormed(ifMatch))
        {
            return (null, new FieldError("If-Match", "if-match.malformed",
                $"Send the ETag exactly as it came, quotes included (e.g. {etag}); weak ETags are not accepted here."));
        }

        return ifMatch != "*" && ifMatch != etag
            ? (Problem.PreconditionFailed(http, $"The {noun} has changed: its ETag is now {etag}, not {ifMatch}. Read it again and reapply your change."), null)
            : (null, null);
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex Regex();
}
