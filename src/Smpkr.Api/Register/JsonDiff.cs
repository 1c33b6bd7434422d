using System.Text.Json.Nodes;

namespace Smpkr.Api.Register;

/// <summary>The changed leaves between two JSON documents, as audit entries record them.</summary>
public static class JsonDiff
{
    /// <summary>path → { before, after } for every leaf that differs; arrays are compared whole.</summary>
    public static JsonObject Changes(JsonNode? before, JsonNode? after)
    {
        if (before is null && after is JsonObject { Parent: null } created)
        {
            // A creation: everything is new, and the fresh document can be taken as it is.
            return new JsonObject { ["$"] = new JsonObject { ["before"] = null, ["after"] = created } };
        }

        var changes = new JsonObject();
        Walk(string.Empty, before, after, changes);
        return changes;
    }

    private static void Walk(string path, JsonNode? before, JsonNode? after, JsonObject changes)
    {
        if (before is JsonObject b && after is JsonObject a)
        {
            foreach (var name in b.Select(p => p.Key).Union(a.Select(p => p.Key)).Distinct(StringComparer.Ordinal))
            {
                Walk(path.Length == 0 ? name : $"{path}.{name}", b[name], a[name], changes);
            }

            return;
        }

        if (!JsonNode.DeepEquals(before, after))
        {
            changes[path.Length == 0 ? "$" : path] = new JsonObject { ["before"] = before?.DeepClone(), ["after"] = after?.DeepClone() };
        }
    }
}
