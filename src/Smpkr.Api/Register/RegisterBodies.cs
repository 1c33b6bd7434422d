using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Register;

/// <summary>
/// Reads register bodies as JSON documents first (PUT/POST as they come, PATCH after merging into
/// the current content), then into the type's body class, so that every way in reports the same
/// errors: the missing or unknown <c>kind</c>, unknown fields, wrong types, each at its path.
/// </summary>
public sealed class RegisterBodies(IOptions<JsonOptions> json)
{
    public const string Json = "application/json";
    public const string MergePatch = "application/merge-patch+json";

    public JsonSerializerOptions Options => json.Value.SerializerOptions;

    /// <summary>The request body as a JSON object; null with the problem to answer otherwise.</summary>
    public static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, string mediaType, CancellationToken cancellationToken)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith(mediaType, StringComparison.OrdinalIgnoreCase))
        {
            return (null, new UnsupportedMediaTypeProblem(Problem.Create(request.HttpContext, StatusCodes.Status415UnsupportedMediaType,
                $"Send the body as {mediaType}; got '{request.ContentType ?? "no Content-Type"}'.", "media-type.unsupported")));
        }

        try
        {
            var node = await JsonNode.ParseAsync(request.Body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }, cancellationToken: cancellationToken);
            return node is JsonObject body
                ? (body, null)
                : (null, ValidationProblems.Result(request.HttpContext, [new FieldError("", "json.not-object", "The body must be a JSON object.")]));
        }
        catch (JsonException e)
        {
            return (null, ValidationProblems.Result(request.HttpContext,
                [new FieldError(JsonPaths.ToFieldPath(e.Path), "json.invalid", "The body is not well-formed JSON.")]));
        }
    }

    /// <summary>Binds a JSON object to the type's body class, or says what is wrong with it.</summary>
    public TBody? Bind<TBody>(JsonObject body, IReadOnlyList<string> kinds, List<FieldError> errors)
        where TBody : class
    {
        if (kinds.Count > 0)
        {
            var kind = body["kind"] is JsonValue value && value.TryGetValue<string>(out var k) ? k : null;
            if (kind is null)
            {
                errors.Add(new FieldError("kind", "kind.required", $"'kind' is required: one of {string.Join(", ", kinds)}."));
                return null;
            }

            if (!kinds.Contains(kind))
            {
                errors.Add(new FieldError("kind", "kind.unknown", $"'{Shorten(kind)}' is not a kind; use one of {string.Join(", ", kinds)}."));
                return null;
            }
        }

        try
        {
            return body.Deserialize<TBody>(Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            var unknown = e.Message.Contains("could not be mapped", StringComparison.Ordinal);
            errors.Add(unknown
                ? new FieldError(JsonPaths.UnknownMemberPath(e), "json.unknown-field", "This field is not part of the contract.")
                : new FieldError(JsonPaths.ToFieldPath(e.Path), "json.invalid", "The value has the wrong type or form."));
            return null;
        }
    }

    public string Serialize<TBody>(TBody body) => JsonSerializer.Serialize(body, Options);

    public TBody Deserialize<TBody>(string stored) => JsonSerializer.Deserialize<TBody>(stored, Options)!;

    public JsonObject ToObject<TBody>(TBody body) => (JsonObject)JsonSerializer.SerializeToNode(body, Options)!;

    /// <summary>RFC 7396 JSON merge patch: objects merge, <c>null</c> removes, anything else replaces.</summary>
    public static JsonNode? MergePatchInto(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = MergePatchInto(result[name], value);
            }
        }

        return result;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
