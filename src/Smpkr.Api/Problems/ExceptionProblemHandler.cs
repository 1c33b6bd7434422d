using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Smpkr.Api.Problems;

/// <summary>
/// Turns every exception that escapes an endpoint into a problem document. Bad requests keep
/// their status and say what was wrong; an unavailable database is a 503 to retry; anything else
/// is a logged 500 whose details stay inside the service outside Development.
/// </summary>
internal sealed class ExceptionProblemHandler(
    IProblemDetailsService problems,
    IHostEnvironment environment,
    ILogger<ExceptionProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client has gone; nobody reads a problem document now.
            return true;
        }

        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            _ when IsDatabaseUnavailable(exception) => DatabaseUnavailable(httpContext, exception),
            _ => Unexpected(exception),
        };

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json)
        {
            var path = JsonPaths.ToFieldPath(json.Path);
            var unknownMember = json.Message.Contains("could not be mapped", StringComparison.Ordinal);
            var message = unknownMember
                ? "This field is not part of the contract."
                : json.Path is null or "$" ? "The body is not well-formed JSON." : "The value has the wrong type or form.";
            var code = unknownMember ? "json.unknown-field" : "json.invalid";
            var key = unknownMember ? JsonPaths.UnknownMemberPath(json) : path;
            return ValidationProblems.Create(
                [new FieldError(key, code, message)],
                unknownMember ? $"The body has a field this operation does not accept: '{key}'." : $"The request body could not be read as JSON: {message}");
        }

        return new ProblemDetails { Status = exception.StatusCode, Detail = exception.Message };
    }

    private static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or SocketException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private ProblemDetails DatabaseUnavailable(HttpContext httpContext, Exception exception)
    {
        logger.LogWarning(exception, "Database unavailable for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.Headers.RetryAfter = "5";
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Service Unavailable",
            Detail = "The register's database cannot be reached right now; retry in a few seconds.",
        };
    }

    private ProblemDetails Unexpected(Exception exception)
    {
        // .NET 10 no longer logs exceptions that a handler handled, so the 500 is logged here.
        logger.LogError(exception, "Unhandled exception");
        return new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Internal Server Error",
            Detail = environment.IsDevelopment()
                ? exception.ToString()
                : "An unexpected error occurred. Quote the traceId when reporting it.",
        };
    }
}
