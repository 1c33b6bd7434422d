using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Smpkr.Api.Hosting;

/// <summary>
/// The OpenAPI document (committed as <c>openapi/v1.json</c>) and Swagger UI at <c>/swagger</c>.
/// Operation ids are the handler method names (or endpoint names where a handler is mapped twice); summaries, parameter descriptions and examples come
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
                Description =
                    "A JWT with `role` claims (registrar, provider, accreditor, standards-body, auditor) and, for providers, a `provider` claim. " +
                    "Tokens are validated as RFC8725 (JSON Web Token Best Current Practices) asks: signed with an allow-listed algorithm " +
                    "(never `none`), issuer, audience and lifetime always checked.",
            });
            // The endpoint's name where one handler serves both APIs, else the handler's method name.
            options.CustomOperationIds(api =>
                api.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName
                ?? (api.TryGetMethodInfo(out var method) ? method.Name : null));
            options.IncludeXmlComments(Assembly.GetExecutingAssembly());
            options.SupportNonNullableReferenceTypes();
            options.NonNullableReferenceTypesAsRequired();
            options.MapType<DateOnly>(() => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date", MaxLength = 10 });
            options.MapType<System.Text.Json.Nodes.JsonObject>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalPropertiesAllowed = true,
                Description = "A JSON object.",
            });
            options.UseOneOfForPolymorphism();
            options.SelectDiscriminatorNameUsing(type => type.GetCustomAttributes(false)
                .OfType<System.Text.Json.Serialization.JsonPolymorphicAttribute>().FirstOrDefault()?.TypeDiscriminatorPropertyName);
            options.CustomSchemaIds(SchemaId);
            options.OperationFilter<AuthResponsesFilter>();
            options.OperationFilter<CommonResponsesFilter>();
            options.OperationFilter<ContractLimitsFilter>();
            options.SchemaFilter<ContractLimitsFilter>();
            options.SchemaFilter<RecordFactsFilter>();
        });

    /// <summary>Readable schema names for the register's generic shapes: <c>ProgrammeRecord</c>, <c>ProgrammeRecordPage</c>, ….</summary>
    private static string SchemaId(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var argument = SchemaId(type.GetGenericArguments()[0]);
        var subject = argument.EndsWith("Body", StringComparison.Ordinal) ? argument[..^4] : argument;
        var definition = type.GetGenericTypeDefinition().Name;
        return definition[..definition.IndexOf('`', StringComparison.Ordinal)] switch
        {
            "RecordResponse" => subject + "Record",
            "VersionResponse" => subject + "Version",
            "VersionsResponse" => subject + "Versions",
            "PendingChange" => subject + "PendingChange",
            "Page" => subject.EndsWith("Response", StringComparison.Ordinal) ? subject[..^8] + "Page" : subject + "Page",
            var name => name + "Of" + subject,
        };
    }

    /// <summary>
    /// Swagger UI and the document under <c>/swagger</c>. Only requests for that path pass through them:
    /// the document middleware resolves its generator from the request's services on every request it
    /// sees, which every API call paid for before (about 1 % of the service's CPU under reads by code).
    /// </summary>
    public static void UseSwaggerDocs(this WebApplication app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger"), swagger =>
        {
            swagger.UseSwagger(options => options.RouteTemplate = "swagger/{documentName}/swagger.json");
            swagger.UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint($"/swagger/{DocumentName}/swagger.json", "SMPKR v1");
                options.DocumentTitle = "SMPKR API";
                options.DisplayOperationId();
                options.EnableTryItOutByDefault();
            });
        });

    /// <summary>Documents a record's <c>facts</c> with the shapes its type's resource declares (e.g. a programme's accreditation).</summary>
    private sealed class RecordFactsFilter(IServiceProvider services) : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema { Properties: { } properties } || !context.Type.IsGenericType
                || context.Type.GetGenericTypeDefinition() != typeof(Register.RecordResponse<>))
            {
                return;
            }

            using var scope = services.CreateScope();
            var factsType = typeof(Register.IRecordFacts<>).MakeGenericType(context.Type.GetGenericArguments()[0]);
            var facts = scope.ServiceProvider.GetServices(factsType).Cast<object>().ToList();
            var members = new Dictionary<string, IOpenApiSchema>();
            foreach (var fact in facts)
            {
                var name = (string)factsType.GetProperty("Name")!.GetValue(fact)!;
                var shape = (Type)factsType.GetProperty("Shape")!.GetValue(fact)!;
                members[name] = context.SchemaGenerator.GenerateSchema(shape, context.SchemaRepository);
            }

            var key = properties.Keys.FirstOrDefault(k => k.Equals("facts", StringComparison.OrdinalIgnoreCase));
            if (key is null)
            {
                return;
            }

            properties[key] = members.Count == 0
                ? new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null, Description = "None for this type.", MaxProperties = 0 }
                : new OpenApiSchema
                {
                    Type = JsonSchemaType.Object | JsonSchemaType.Null,
                    Description = "Facts kept beside the record's versions.",
                    Properties = members,
                    AdditionalPropertiesAllowed = false,
                };
        }
    }

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
            var problem = ProblemSchema(context);
            operation.Responses.TryAdd("401", ProblemResponse("No valid bearer token.", problem));
            operation.Responses.TryAdd("403", ProblemResponse("The token's role or provider does not allow this.", problem));
        }
    }

    /// <summary>
    /// Outcomes every operation can have: 400 (unknown query parameters, malformed values), 500 and
    /// 503 (database unreachable); 429 where a rate limit applies.
    /// </summary>
    private sealed class CommonResponsesFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            operation.Responses ??= [];
            var problem = ProblemSchema(context);
            var validation = context.SchemaGenerator.GenerateSchema(typeof(HttpValidationProblemDetails), context.SchemaRepository);
            operation.Responses.TryAdd("400", ProblemResponse("The request is not valid: see `errors` and `codes`.", validation));
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<EnableRateLimitingAttribute>().Any())
            {
                var tooMany = ProblemResponse("Too many requests from this client in the current window.", problem);
                tooMany.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before retrying.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "86400" },
                    },
                    ["Access-Control-Allow-Origin"] = new OpenApiHeader
                    {
                        Description = "Open data may be read from any web origin.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 1, Pattern = "^\\*$" },
                    },
                };
                operation.Responses.TryAdd("429", tooMany);
            }

            DescribeRecordHeaders(operation, context);
            operation.Responses.TryAdd("500", ProblemResponse("An unexpected error; the problem's `traceId` identifies it in the logs.", problem));
            operation.Responses.TryAdd("503", ProblemResponse("The database cannot be reached right now; retry after a few seconds.", problem));
        }
    }

    /// <summary>Single-record responses carry ETag and Last-Modified; a creation also Location.</summary>
    private static void DescribeRecordHeaders(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var type in context.ApiDescription.SupportedResponseTypes.Where(t => t.StatusCode is 200 or 201))
        {
            var isRecord = type.Type is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(Register.RecordResponse<>)
                || type.Type == typeof(Providers.ProviderResponse);
            if (!isRecord || operation.Responses?.TryGetValue(type.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var found) != true
                || found is not OpenApiResponse response)
            {
                continue;
            }

            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["ETag"] = Header("The record's revision, quoted; send it back in If-Match to change the record.", 16, "^\"[0-9]+\"$");
            if (type.Type != typeof(Providers.ProviderResponse))
            {
                response.Headers["Last-Modified"] = Header("When the record was last edited (HTTP date).", 32, "^[A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9:]{8} GMT$");
            }

            if (type.StatusCode == 201)
            {
                response.Headers["Location"] = Header("The new record's address.", 200, "^/api/v1/[a-z0-9/-]+$");
            }
        }
    }

    private static OpenApiHeader Header(string description, int maxLength, string pattern) => new()
    {
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength, Pattern = pattern },
    };

    private static IOpenApiSchema ProblemSchema(OperationFilterContext context) =>
        context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository);

    private static OpenApiResponse ProblemResponse(string description, IOpenApiSchema schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, IOpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType { Schema = schema } },
    };
}
