using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Smpkr.Api.Tests.Deploy;

/// <summary>
/// The deployment files as data: YAML documents as JSON trees (plain scalars typed the way
/// Kubernetes reads them, quoted ones kept as strings), and the Kustomize overlays rendered with the
/// subset of Kustomize they use (resources, namespace, labels, images, ConfigMap merges, JSON patches).
/// </summary>
internal static class Manifests
{
    public static string DeployFolder => Path.Combine(Hosting.OpenApiDocumentTests.RepositoryRoot(), "deploy");

    public static IEnumerable<string> YamlFiles() =>
        Directory.EnumerateFiles(DeployFolder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    public static List<JsonNode?> LoadAll(string file) => Parse(File.ReadAllText(file));

    public static List<JsonNode?> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => ToJson(d.RootNode)).ToList();
    }

    public static JsonObject LoadOne(string file) => LoadAll(file).Single()!.AsObject();

    /// <summary>What <c>kubectl kustomize <paramref name="directory"/></c> prints, for the features used here.</summary>
    public static List<JsonObject> Render(string directory)
    {
        var kustomization = LoadOne(Path.Combine(directory, "kustomization.yaml"));
        var resources = new List<JsonObject>();
        foreach (var entry in Strings(kustomization["resources"]))
        {
            var path = Path.GetFullPath(Path.Combine(directory, entry));
            resources.AddRange(Directory.Exists(path) ? Render(path) : LoadAll(path).Where(d => d is not null).Select(d => d!.AsObject()));
        }

        foreach (var generator in Items(kustomization["configMapGenerator"]))
        {
            var name = (string)generator["name"]!;
            Assert.That((string?)generator["behavior"], Is.EqualTo("merge"), $"{directory}: only merging generators are rendered here");
            var map = resources.Single(r => IsA(r, "ConfigMap", name));
            var data = map["data"]?.AsObject() ?? [];
            foreach (var literal in Strings(generator["literals"]))
            {
                var (key, value) = (literal[..literal.IndexOf('=', StringComparison.Ordinal)], literal[(literal.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                data[key] = value;
            }

            map["data"] = data;
        }

        foreach (var patch in Items(kustomization["patches"]))
        {
            var target = patch["target"]!.AsObject();
            var matched = resources.Where(r => IsA(r, (string)target["kind"]!, (string)target["name"]!)).ToList();
            Assert.That(matched, Has.Count.EqualTo(1), $"{directory}: patch target {target.ToJsonString()}");
            foreach (var op in Parse((string)patch["patch"]!).Single()!.AsArray())
            {
                Apply(matched[0], op!.AsObject(), directory);
            }
        }

        if (kustomization["namespace"] is { } ns)
        {
            foreach (var r in resources)
            {
                r["metadata"]!["namespace"] = (string)ns!;
            }
        }

        foreach (var pairs in Items(kustomization["labels"]).Select(l => l["pairs"]!.AsObject()))
        {
            foreach (var r in resources)
            {
                var labels = r["metadata"]!["labels"]?.AsObject() ?? [];
                foreach (var (key, value) in pairs)
                {
                    labels[key] = value?.DeepClone();
                }

                r["metadata"]!["labels"] = labels;
            }
        }

        foreach (var image in Items(kustomization["images"]))
        {
            foreach (var container in resources.SelectMany(Containers))
            {
                var current = (string)container["image"]!;
                var name = current.Split('@')[0];
                name = name.LastIndexOf(':') > name.LastIndexOf('/') ? name[..name.LastIndexOf(':')] : name;
                if (name == (string)image["name"]!)
                {
                    container["image"] = $"{(string?)image["newName"] ?? name}:{(string)image["newTag"]!}";
                }
            }
        }

        return resources;
    }

    public static bool IsA(JsonObject resource, string kind, string? name = null) =>
        (string?)resource["kind"] == kind && (name is null || (string?)resource["metadata"]?["name"] == name);

    public static JsonObject Single(IEnumerable<JsonObject> resources, string kind, string name) =>
        resources.Single(r => IsA(r, kind, name));

    /// <summary>The containers of a workload (Deployment, Job, …), init containers included.</summary>
    public static IEnumerable<JsonObject> Containers(JsonObject resource)
    {
        var pod = resource["spec"]?["template"]?["spec"];
        return Items(pod?["containers"]).Concat(Items(pod?["initContainers"]));
    }

    public static IEnumerable<JsonObject> Items(JsonNode? node) => node?.AsArray().Select(n => n!.AsObject()) ?? [];

    public static IEnumerable<string> Strings(JsonNode? node) => node?.AsArray().Select(n => n!.ToString()) ?? [];

    private static void Apply(JsonObject resource, JsonObject op, string directory)
    {
        var tokens = ((string)op["path"]!).Split('/').Skip(1).Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        JsonNode parent = resource;
        foreach (var token in tokens[..^1])
        {
            parent = (parent is JsonArray array ? array[int.Parse(token, CultureInfo.InvariantCulture)] : parent[token])
                ?? throw new AssertionException($"{directory}: patch path {op["path"]} does not exist");
        }

        var last = tokens[^1];
        var value = op["value"]?.DeepClone();
        switch ((string)op["op"]!, parent)
        {
            case ("replace", JsonArray a):
                a[int.Parse(last, CultureInfo.InvariantCulture)] = value;
                break;
            case ("replace", JsonObject o):
                Assert.That(o.ContainsKey(last), $"{directory}: patch replaces {op["path"]}, which does not exist");
                o[last] = value;
                break;
            case ("add", JsonArray a):
                if (last == "-")
                {
                    a.Add(value);
                }
                else
                {
                    a.Insert(int.Parse(last, CultureInfo.InvariantCulture), value);
                }

                break;
            case ("add", JsonObject o):
                o[last] = value;
                break;
            default:
                Assert.Fail($"{directory}: patch op {op["op"]} is not rendered here");
                break;
        }
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" => null,
            "true" or "True" or "yes" or "on" => JsonValue.Create(true),
            "false" or "False" or "no" or "off" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}
