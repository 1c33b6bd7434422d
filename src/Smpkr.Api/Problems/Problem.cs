using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Smpkr.Api.Problems;

/// <summary>Problem documents that endpoints return as typed results (404, 409, 412, …), shaped like every other problem.</summary>
public static class Problem
{
    public static ProblemDetails Create(HttpContext http, int status, string detail, string? code = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = ReasonPhrases.GetReasonPhrase(status),
            Type = TypeFor(status),
            Detail = detail,
            Instance = http.Request.Path,
        };
        problem.Extensions["traceId"] = TraceId(http);
        if (code is not null)
        {
            problem.Extensions["code"] = code;
        }

        return problem;
    }

    public static NotFoundProblem NotFound(HttpContext http, string detail, string code) =>
        new(Create(http, StatusCodes.Status404NotFound, detail, code));

    public static ConflictProblem Conflict(HttpContext http, string detail, string code) =>
        new(Create(http, StatusCodes.Status409Conflict, detail, code));

    /// <summary>For middleware that answers before any endpoint runs: sets the status and writes the problem.</summary>
    public static async Task WriteAsync(HttpContext http, int status, string detail)
    {
        http.Response.StatusCode = status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }

    public static RegisterProblem Forbidden(HttpContext http, string detail, string code) =>
        new(Create(http, StatusCodes.Status403Forbidden, detail, code));

    public static RegisterProblem Missing(HttpContext http, string detail, string code) =>
        new(Create(http, StatusCodes.Status404NotFound, detail, code));

    public static RegisterProblem StateConflict(HttpContext http, string detail, string code) =>
        new(Create(http, StatusCodes.Status409Conflict, detail, code));

    public static RegisterProblem PreconditionFailed(HttpContext http, string detail) =>
        new(Create(http, StatusCodes.Status412PreconditionFailed, detail, "if-match.stale"));

    public static RegisterProblem PreconditionRequired(HttpContext http, string detail) =>
        new(Create(http, StatusCodes.Status428PreconditionRequired, detail, "if-match.required"));

    public static RegisterProblem Unprocessable(HttpContext http, string detail, string code) =>
        new(Create(http, StatusCodes.Status422UnprocessableEntity, detail, code));

    public static string TraceId(HttpContext http) => Activity.Current?.Id ?? http.TraceIdentifier;

    /// <summary>The RFC section that defines a status, used as the problem <c>type</c>.</summary>
    public static string? TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        406 => "https://tools.ietf.org/html/rfc9110#section-15.5.7",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        428 => "https://tools.ietf.org/html/rfc6585#section-3",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => null,
    };
}
