using Asp.Versioning;
using Smpkr.Api.Auth;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Hosting;

/// <summary>
/// The two doors of the service: the register API <c>/api/v1</c> (authenticated by default) and the
/// open-data API <c>/open/v1</c> (anonymous, GET and HEAD only). Features map onto the groups returned here.
/// </summary>
internal static class ApiSurface
{
    public const string OpenDataPrefix = "/open";
    private const string OpenDataCors = "open-data";

    public static void AddApiSurface(this WebApplicationBuilder builder)
    {
        builder.Services.AddApiVersioning(options =>
            {
                options.DefaultApiVersion = new ApiVersion(1);
                options.ApiVersionReader = new PathSegmentApiVersionReader();
                options.ReportApiVersions = true;
            })
            .AddApiExplorer(options =>
            {
                options.GroupNameFormat = "'v'V";
                options.SubstituteApiVersionInUrl = true;
            });
        builder.AddOpenApiDocument();

        // Open data may be read by any web page; the register API is for servers and gets no CORS.
        builder.Services.AddCors(options => options.AddPolicy(OpenDataCors, policy => policy
            .AllowAnyOrigin()
            .WithMethods(HttpMethods.Get, HttpMethods.Head)
            .WithExposedHeaders("ETag", "Last-Modified", "Link", "Retry-After")));
    }

    public static RouteGroupBuilder MapRegisterApi(this WebApplication app)
    {
        var versions = app.NewApiVersionSet("Register API").HasApiVersion(new ApiVersion(1)).ReportApiVersions().Build();
        return app.MapGroup("/api/v1")
            .WithApiVersionSet(versions)
            .RequireAuthorization(Policies.AnyRole)
            .RejectUnknownQueryParameters();
    }

    public static RouteGroupBuilder MapOpenDataApi(this WebApplication app)
    {
        var versions = app.NewApiVersionSet("Open-data API").HasApiVersion(new ApiVersion(1)).ReportApiVersions().Build();
        return app.MapGroup(OpenDataPrefix + "/v1")
            .WithApiVersionSet(versions)
            .AllowAnonymous()
            .RequireCors(OpenDataCors)
            .RequireRateLimiting(RateLimits.OpenDataPolicy)
            .RejectUnknownQueryParameters()
            .AddEndpointFilter<Publication.ContentValidators>();
    }

    /// <summary>
    /// The open-data API is read-only: HEAD is served as GET without a body, and every other
    /// method is a 405 problem that says so (before routing, so unknown paths answer the same).
    /// </summary>
    public static void UseReadOnlyOpenData(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(OpenDataPrefix, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Request.Method = HttpMethods.Get;
            context.Response.Body = Stream.Null;
        }
        else if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            await Problem.WriteAsync(context, StatusCodes.Status405MethodNotAllowed,
                $"The open-data API is read-only: '{context.Request.Method}' is not allowed, only GET and HEAD.");
            return;
        }

        await next(context);
    });
}
