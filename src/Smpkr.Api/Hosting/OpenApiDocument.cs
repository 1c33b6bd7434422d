using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Smpkr.Api.Hosting;

/// <summary>
/// The OpenAPI document (committed as <c>openapi/v1.json</c>) and Swagger UI at <c>/swagger</c>.
/// Operation ids are the handler method names; summaries, parameter descriptions and examples come
/// from XML documentation, so code and contract cannot drift apart.
/// </summary>
internal static class OpenApiDocument
{
    public const string DocumentName = "v1";
    public const string BearerScheme = "Bearer";

    public static void AddOpenApiDocument(this WebApplicationBuilder builder) =>
        builder.Services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "SMPKR — Register of Studies, Training Programmes and Qualifications",
                Version = "1.0",
                Description =
                    "The register API (`/api/v1`, JWT bearer) for institutions, the registrar and other bodies, and the " +
                    "anonymous, read-only open-data API (`/open/v1`). Errors are RFC 9457 problem documents.",
                Contact = new OpenApiContact { Name = "Nacionalinė švietimo agentūra (NŠA)" },
                License = new OpenApiLicense { Name = "CC BY 4.0 (open data)", Url = new Uri("https://creativecommons.org/licenses/by/4.0/") },
            });
            options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT with `role` claims (registrar, provider, accreditor, standards-body, auditor) and, for providers, a `provider` claim.",
            });
            options.CustomOperationIds(api => api.TryGetMethodInfo(out var method) ? method.Name : null);
            options.IncludeXmlComments(Assembly.GetExecutingAssembly());
            options.SupportNonNullableReferenceTypes();
            options.OperationFilter<AuthResponsesFilter>();
        });

    public static void UseSwaggerDocs(this WebApplication app)
    {
        app.UseSwagger(options => options.RouteTemplate = "swagger/{documentName}/swagger.json");
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint($"/swagger/{DocumentName}/swagger.json", "SMPKR v1");
            options.DocumentTitle = "SMPKR API";
            options.EnablePersistAuthorization();
            options.DisplayOperationId();
            options.EnableTryItOutByDefault();
        });
    }

    /// <summary>Marks operations that need a token with the Bearer requirement and their 401/403 outcomes.</summary>
    private sealed class AuthResponsesFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            var anonymous = metadata.OfType<IAllowAnonymous>().Any();
            if (anonymous || !metadata.OfType<IAuthorizeData>().Any())
            {
                return;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
            });
            operation.Responses ??= [];
            var problem = context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository);
            foreach (var (status, description) in new[] { ("401", "No valid bearer token."), ("403", "The token's role or provider does not allow this.") })
            {
                operation.Responses.TryAdd(status, new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, IOpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType { Schema = problem } },
                });
            }
        }
    }
}
