using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Smpkr.Api.Register;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Smpkr.Api.Hosting;

/// <summary>Limits of the items of a list of codes, for the contract (the rules enforce them).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ItemsAttribute(int maxLength, string pattern) : Attribute
{
    public int MaxLength { get; } = maxLength;

    public string Pattern { get; } = pattern;
}

/// <summary>
/// States in the OpenAPI document the limits the service enforces but that attributes on each
/// handler would only repeat: the shared headers and paging parameters, identifiers and
/// timestamps, discriminators, and list items.
/// </summary>
internal sealed class ContractLimitsFilter : IOperationFilter, ISchemaFilter
{
    public const string CodePattern = "^[A-Za-z0-9._-]+$";
    public const int MaxQueryValues = 20;

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        // A text body (a CSV file) is as long as the request limit allows; a CSV starts with its header.
        foreach (var (mediaType, content) in operation.RequestBody?.Content ?? new Dictionary<string, IOpenApiMediaType>())
        {
            if (content.Schema is OpenApiSchema { Type: JsonSchemaType.String } text)
            {
                text.MaxLength = (int)(context.ApiDescription.ActionDescriptor.EndpointMetadata
                    .OfType<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>().LastOrDefault()?.MaxRequestBodySize
                    ?? RequestLimits.DefaultMaxRequestBodyBytes);
                if (mediaType == Classifiers.ClassifierManagement.CsvMediaType)
                {
                    text.Pattern = "^" + string.Join(',', Classifiers.ClassifierCsv.ItemHeader);
                }
            }
        }

        var path = context.ApiDescription.RelativePath ?? string.Empty;
        var openData = path.StartsWith(ApiSurface.OpenDataPrefix.TrimStart('/') + "/", StringComparison.Ordinal);
        var resource = path.Split('/').Skip(2).FirstOrDefault() ?? string.Empty;
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Schema is not OpenApiSchema schema)
            {
                continue;
            }

            var item = schema.Items as OpenApiSchema ?? schema;
            switch (parameter.Name)
            {
                case "code" when openData:
                    schema.MaxLength = 64;
                    schema.Pattern = CodePattern;
                    break;
                case "format" when openData:
                    Enumerate(schema, path.EndsWith("snapshot", StringComparison.Ordinal) ? ["jsonl", "csv"] : ["json", "jsonl", "csv"]);
                    break;
                case "view" when openData:
                    Enumerate(schema, ["record", "patch"]);
                    break;
                case "after" when openData:
                    schema.MaxLength = 18;
                    schema.Pattern = "^[0-9]+$";
                    break;
                case "types" when openData:
                    item.MaxLength = 64;
                    item.Pattern = "^[a-z-]+(,[a-z-]+)*$";
                    break;
                case "status":
                    Enumerate(item, openData ? ["registered", "deregistered"] : ["draft", "submitted", "registered", "deregistered"]);
                    break;
                case "kind" when Publication.PublishedFields.TypeNamed(resource) is { } type
                                 && Publication.PublishedFields.KindsOf(type).OfType<string>().ToList() is { Count: > 0 } kinds:
                    Enumerate(item, kinds);
                    break;
                case "limit" when openData && path.EndsWith("changes", StringComparison.Ordinal):
                    schema.Minimum = "1";
                    schema.Maximum = Publication.OpenDataEndpoints.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "If-Match":
                    // The server answers 428 without it: for the contract it is required.
                    parameter.Required = true;
                    parameter.Description = "The record's current ETag, quotes included (e.g. \"3\"), from its last response; * matches any revision.";
                    parameter.Example = System.Text.Json.Nodes.JsonValue.Create("\"1\"");
                    schema.MaxLength = 16;
                    schema.Pattern = IfMatch.Pattern;
                    break;
                case Idempotency.Header:
                    schema.MaxLength = Idempotency.MaxKeyLength;
                    schema.Pattern = Idempotency.KeyPattern;
                    break;
                case "cursor":
                    // A search cursor carries the last sort key (a name can be long), so it is longer than an id.
                    schema.MaxLength = Search.SearchCursor.MaxLength;
                    schema.Pattern = "^[A-Za-z0-9_-]+$";
                    break;
                case "sort":
                    schema.Enum = [.. Search.SearchRequest.Sorts.Keys.Select(k => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(k))];
                    break;
                case "total":
                    schema.Enum = [System.Text.Json.Nodes.JsonValue.Create("true"), System.Text.Json.Nodes.JsonValue.Create("false")];
                    break;
                case "registeredFrom" or "registeredTo":
                    schema.Format = "date";
                    schema.MaxLength = 10;
                    break;
                case "changedSince":
                    schema.MaxLength = 40;
                    schema.Pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))?$";
                    break;
                case "q":
                    schema.MaxLength = Search.SearchRequest.MaxQueryLength;
                    schema.Pattern = "^[^\\u0000-\\u001F]*$";
                    break;
                case "facets" when schema.Items is OpenApiSchema facetNames:
                    facetNames.MaxLength = 200;
                    facetNames.Pattern = "^[A-Za-z]+(,[A-Za-z]+)*$";
                    break;
                case "limit":
                    schema.Minimum = "1";
                    schema.Maximum = RecordFilter.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "number":
                    schema.Minimum = "1";
                    schema.Maximum = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "actor":
                    schema.MaxLength = 200;
                    schema.Pattern = "^[^\\u0000-\\u001F]+$";
                    break;
                default:
                    break;
            }

            Limit(schema);
            if (schema.Type == JsonSchemaType.Array)
            {
                schema.MaxItems = MaxQueryValues;
            }
        }
    }

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return;
        }

        Limit(concrete);
        if (context.Type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails) || context.Type == typeof(HttpValidationProblemDetails))
        {
            DescribeProblemMembers(concrete, context.Type == typeof(HttpValidationProblemDetails));
        }

        if (context.Type.GetCustomAttribute<JsonPolymorphicAttribute>() is { TypeDiscriminatorPropertyName: { } discriminator }
            && concrete.Properties?.TryGetValue(discriminator, out var kind) == true && kind is OpenApiSchema kindSchema)
        {
            var values = context.Type.GetCustomAttributes<JsonDerivedTypeAttribute>().Select(d => d.TypeDiscriminator?.ToString()).OfType<string>().ToList();
            kindSchema.Enum = values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!).ToList();
            kindSchema.MaxLength = values.Max(v => v.Length);
        }

        if (context.Type == typeof(Search.FacetCount) && concrete.Properties is { } facetMembers)
        {
            if (facetMembers.TryGetValue("value", out var value) && value is OpenApiSchema valueSchema)
            {
                valueSchema.MaxLength = 64;
                valueSchema.Pattern = "^[^\\u0000-\\u001F]+$";
            }

            if (facetMembers.TryGetValue("count", out var count) && count is OpenApiSchema countSchema)
            {
                countSchema.Minimum = "0";
                countSchema.Maximum = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (context.Type.IsGenericType && context.Type.GetGenericTypeDefinition() == typeof(Search.SearchPage<>) && concrete.Properties is { } pageMembers)
        {
            if (pageMembers.TryGetValue("total", out var total) && total is OpenApiSchema totalSchema)
            {
                totalSchema.Minimum = "0";
                totalSchema.Maximum = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            // One member per facet asked for, each a bounded list of value counts.
            if (pageMembers.TryGetValue("facets", out var facets) && facets is OpenApiSchema facetsSchema
                && facetsSchema.AdditionalProperties is OpenApiSchema counts)
            {
                counts.MaxItems = 1000;
                facetsSchema.Properties = Search.SearchRequest.FacetNames.ToDictionary(n => n, _ => (IOpenApiSchema)counts);
                facetsSchema.AdditionalProperties = null;
                facetsSchema.AdditionalPropertiesAllowed = false;
            }
        }

        if (context.MemberInfo?.GetCustomAttribute<ItemsAttribute>() is { } items && concrete.Items is OpenApiSchema itemSchema)
        {
            itemSchema.MaxLength = items.MaxLength;
            itemSchema.Pattern = items.Pattern;
        }
    }

    private static void Enumerate(OpenApiSchema schema, IReadOnlyList<string> values)
    {
        schema.Enum = [.. values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!)];
        schema.MaxLength = values.Max(v => v.Length);
    }

    /// <summary>The members this service adds to every problem document (RFC 9457 extension members).</summary>
    private static void DescribeProblemMembers(OpenApiSchema schema, bool validation)
    {
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["traceId"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String, MaxLength = 128, Pattern = "^[A-Za-z0-9:._-]+$",
            Description = "Identifies the request in the service's logs and traces; quote it when reporting a problem.",
        };
        schema.Properties["code"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String | JsonSchemaType.Null, MaxLength = 64, Pattern = "^[a-z][a-z0-9.-]*$",
            Description = "A stable, machine-readable reason, e.g. `lifecycle.not-allowed` or `if-match.stale`.",
        };
        if (validation)
        {
            schema.Properties["codes"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Field path → stable rule codes (e.g. `text.too-long`), keyed like `errors`.",
                AdditionalProperties = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array, MaxItems = 20,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 64, Pattern = "^[a-z][a-z0-9.-]*$" },
                },
            };
        }
        else
        {
            schema.Properties["referrers"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array | JsonSchemaType.Null, MaxItems = 1000,
                Description = "With `deregistration.referenced`: the registered records that still refer to the one being deregistered.",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["objectType"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 32, Pattern = "^[a-z-]+$" },
                        ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 32, Pattern = "^[A-Za-z0-9]+$" },
                        ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", MaxLength = 36 },
                    },
                },
            };
        }
    }

    /// <summary>Identifiers and timestamps have a fixed size; string items of query lists are codes.</summary>
    private static void Limit(OpenApiSchema schema)
    {
        switch (schema.Format)
        {
            case "uuid":
                schema.MaxLength ??= 36;
                break;
            case "date-time":
                schema.MaxLength ??= 35;
                break;
            default:
                break;
        }

        if (schema.Items is OpenApiSchema { Type: JsonSchemaType.String } item && item.MaxLength is null && item.Enum is null)
        {
            item.MaxLength = 64;
            item.Pattern ??= CodePattern;
        }
    }
}
