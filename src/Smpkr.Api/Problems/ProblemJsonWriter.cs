using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Smpkr.Api.Problems;

/// <summary>
/// Writes every problem as <c>application/problem+json</c>, whatever the Accept header says. The
/// built-in writer declines when Accept rules JSON out, which would turn a 401 or 406 for such a
/// client into an empty response or a 500.
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> options, IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        options.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        var http = context.HttpContext;
        return new ValueTask(http.Response.WriteAsJsonAsync(
            problem,
            json.Value.SerializerOptions.GetTypeInfo(problem.GetType()),
            ProblemResult.ContentType,
            http.RequestAborted));
    }
}
