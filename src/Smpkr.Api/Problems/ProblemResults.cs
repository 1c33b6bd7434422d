using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Smpkr.Api.Problems;

/// <summary>
/// Typed problem outcomes for <c>Results&lt;…&gt;</c> unions: each states its status and
/// <c>application/problem+json</c> in the OpenAPI document and is written by the problem-details
/// service like every other problem. (The built-in <c>NotFound&lt;ProblemDetails&gt;</c> writes plain JSON.)
/// </summary>
public abstract class ProblemResult : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
{
    public const string ContentType = "application/problem+json";

    protected ProblemResult(ProblemDetails problem) => Value = problem;

    public ProblemDetails Value { get; }

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => Value.Status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = Value.Status!.Value;
        return httpContext.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = Value })
            .AsTask();
    }

    protected static void Describe(int status, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ContentType]));
}

/// <summary>404: the object does not exist, or the caller may not know that it does.</summary>
public sealed class NotFoundProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(StatusCodes.Status404NotFound, builder);
}

/// <summary>409: the request conflicts with the current state (an existing code, an illegal transition).</summary>
public sealed class ConflictProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(StatusCodes.Status409Conflict, builder);
}

/// <summary>
/// The refusals of a register write or read, in one result type so endpoint unions stay small:
/// 403 (role or ownership), 404, 409 (state), 412 (stale If-Match), 422 (Idempotency-Key reused
/// with another body) and 428 (If-Match missing). Validation failures are <c>ValidationProblem</c>.
/// </summary>
public sealed class RegisterProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in new[] { 403, 404, 409, 412, 422, 428 })
        {
            Describe(status, builder);
        }
    }
}

/// <summary>415: the body's media type is not the one the operation reads.</summary>
public sealed class UnsupportedMediaTypeProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(StatusCodes.Status415UnsupportedMediaType, builder);
}
