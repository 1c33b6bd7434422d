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

    public static string TraceId(HttpContext http) => Activity.Current?.Id ?? http.TraceIdentifier;

    private static string? TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        428 => "https://tools.ietf.org/html/rfc6585#section-3",
        _ => null,
    };
}
