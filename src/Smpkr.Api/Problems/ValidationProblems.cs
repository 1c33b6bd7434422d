using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Smpkr.Api.Problems;

/// <summary>One broken rule: the camelCase path of the field, a stable rule code and a message for people.</summary>
public sealed record FieldError(string Path, string Code, string Message);

/// <summary>
/// The one shape of a validation problem (400): <c>errors</c> (path → messages, as ASP.NET Core
/// writes it) and <c>codes</c> (path → stable rule codes for machines), keyed by the same paths.
/// </summary>
public static class ValidationProblems
{
    public const string Title = "One or more validation errors occurred.";
    public const string Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1";

    public static HttpValidationProblemDetails Create(IReadOnlyCollection<FieldError> errors, string? detail = null)
    {
        var problem = new HttpValidationProblemDetails(Messages(errors))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = Title,
            Type = Type,
            Detail = detail ?? Detail(errors),
        };
        problem.Extensions["codes"] = Codes(errors);
        return problem;
    }

    public static ValidationProblem Result(HttpContext http, IReadOnlyCollection<FieldError> errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            Messages(errors),
            detail ?? Detail(errors),
            http.Request.Path,
            Title,
            Type,
            new Dictionary<string, object?> { ["codes"] = Codes(errors), ["traceId"] = Problem.TraceId(http) });

    private static Dictionary<string, string[]> Messages(IReadOnlyCollection<FieldError> errors) =>
        errors.GroupBy(e => e.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());

    private static Dictionary<string, string[]> Codes(IReadOnlyCollection<FieldError> errors) =>
        errors.GroupBy(e => e.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Code).Distinct().ToArray());

    private static string Detail(IReadOnlyCollection<FieldError> errors) => errors.Count == 1
        ? $"'{errors.First().Path}': {errors.First().Message}"
        : $"{errors.Count} problems with the request; see 'errors'.";
}

internal static class JsonPaths
{
    /// <summary><c>$.forms[1].duration.value</c> → <c>forms[1].duration.value</c>; the root is the empty path.</summary>
    public static string ToFieldPath(string? jsonPath) => jsonPath switch
    {
        null or "$" => string.Empty,
        _ when jsonPath.StartsWith("$.", StringComparison.Ordinal) => jsonPath[2..],
        _ when jsonPath.StartsWith('$') => jsonPath[1..],
        _ => jsonPath,
    };

    /// <summary>The path of an unknown member, taken from the serializer's message when its path stops at the parent.</summary>
    public static string UnknownMemberPath(JsonException exception)
    {
        var path = ToFieldPath(exception.Path);
        const string Marker = "The JSON property '";
        var start = exception.Message.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return path;
        }

        start += Marker.Length;
        var end = exception.Message.IndexOf('\'', start);
        var name = end > start ? exception.Message[start..end] : string.Empty;
        if (name.Length == 0 || path == name || path.EndsWith("." + name, StringComparison.Ordinal))
        {
            return path;
        }

        return path.Length == 0 ? name : $"{path}.{name}";
    }
}
