using Microsoft.AspNetCore.WebUtilities;

namespace Smpkr.Api.Problems;

/// <summary>
/// Every error leaves as an RFC 9457 problem document: thrown exceptions through
/// <see cref="ExceptionProblemHandler"/>, bare status codes (401, 403, 404, 405, 406, 415, …)
/// through status-code pages, and both carry <c>traceId</c> and a <c>detail</c>.
/// </summary>
internal static class ProblemsSetup
{
    public static void AddProblems(this WebApplicationBuilder builder)
    {
        // Registered before the built-in writer so that it is the one chosen.
        builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var http = context.HttpContext;
            var status = problem.Status ?? http.Response.StatusCode;
            problem.Instance ??= http.Request.Path;
            problem.Type ??= Problem.TypeFor(status);
            problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
            problem.Extensions.TryAdd("traceId", Problem.TraceId(http));
            problem.Detail ??= DefaultDetail(status, http);
        });
        builder.Services.AddExceptionHandler<ExceptionProblemHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
    }

    public static void UseProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
    }

    /// <summary>406 for an Accept header the endpoint cannot satisfy; runs after routing.</summary>
    public static void UseContentNegotiation(this WebApplication app) => app.UseMiddleware<AcceptNegotiationMiddleware>();

    private static string? DefaultDetail(int status, HttpContext http) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid.",
        StatusCodes.Status401Unauthorized =>
            "A valid bearer token is required: send 'Authorization: Bearer <token>' with a token this service trusts.",
        StatusCodes.Status403Forbidden => "Your role or provider does not allow this operation.",
        StatusCodes.Status404NotFound => $"Nothing exists at '{http.Request.Path}'.",
        StatusCodes.Status405MethodNotAllowed =>
            $"'{http.Request.Method}' is not allowed here." +
            (http.Response.Headers.Allow.Count > 0 ? $" Allowed: {http.Response.Headers.Allow}." : string.Empty),
        StatusCodes.Status406NotAcceptable => "None of the media types in the Accept header can be produced here.",
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts.",
        StatusCodes.Status415UnsupportedMediaType => "The request body's Content-Type is not accepted here; send application/json.",
        StatusCodes.Status429TooManyRequests => "Too many requests from this client; wait as Retry-After says.",
        StatusCodes.Status503ServiceUnavailable => "The service is temporarily unavailable; retry shortly.",
        _ => null,
    };
}
