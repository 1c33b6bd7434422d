using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Smpkr.Api.Tests.Hosting;

/// <summary>
/// The committed contract (<c>openapi/v1.json</c>) is what the service serves. To accept a change:
/// <c>SMPKR_UPDATE_OPENAPI=1 dotnet test --filter FullyQualifiedName~OpenApiDocumentTests</c>.
/// </summary>
public sealed class OpenApiDocumentTests : ApiTest
{
    [Test]
    public async Task Served_document_equals_the_committed_one()
    {
        var response = await Anonymous().GetAsync("/swagger/v1/swagger.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var served = Normalize(await response.Content.ReadAsStringAsync());
        var path = Path.Combine(RepositoryRoot(), "openapi", "v1.json");

        if (Environment.GetEnvironmentVariable("SMPKR_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served);
            TestContext.Progress.WriteLine($"Wrote {path}");
        }

        Assert.That(File.Exists(path), Is.True, $"{path} is missing; regenerate it (see the class comment).");
        var committed = Normalize(await File.ReadAllTextAsync(path));
        Assert.That(served, Is.EqualTo(committed),
            "The served OpenAPI document differs from openapi/v1.json. If the change is intended, regenerate it: " +
            "SMPKR_UPDATE_OPENAPI=1 dotnet test --filter FullyQualifiedName~OpenApiDocumentTests");
    }

    [Test]
    public async Task Every_operation_has_a_summary_and_every_parameter_a_description()
    {
        var document = JsonNode.Parse(await Anonymous().GetStringAsync("/swagger/v1/swagger.json"))!;
        var paths = document["paths"]!.AsObject();
        Assert.That(paths.Select(p => p.Key), Does.Contain("/api/v1/classifiers").And.Contain("/open/v1/classifiers/{abbreviation}"));
        foreach (var (path, item) in paths)
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                Assert.That(operation!["summary"]?.GetValue<string>(), Is.Not.Null.And.Not.Empty, $"{method} {path} summary");
                Assert.That(operation["operationId"]?.GetValue<string>(), Is.Not.Null.And.Not.Empty, $"{method} {path} operationId");
                foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
                {
                    Assert.That(parameter!["description"]?.GetValue<string>(), Is.Not.Null.And.Not.Empty,
                        $"{method} {path} parameter {parameter["name"]}");
                }
            }
        }
    }

    [Test]
    public async Task Protected_operations_declare_the_bearer_scheme()
    {
        var document = JsonNode.Parse(await Anonymous().GetStringAsync("/swagger/v1/swagger.json"))!;

        Assert.That(document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>(), Is.EqualTo("bearer"));
        var list = document["paths"]!["/api/v1/classifiers"]!["get"]!;
        Assert.That(list["security"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(list["responses"]!["401"], Is.Not.Null);
        var open = document["paths"]!["/open/v1/classifiers"]!["get"]!;
        Assert.That(open["security"], Is.Null);
    }

    [Test]
    public async Task Swagger_ui_is_served()
    {
        var response = await Anonymous().GetAsync("/swagger/index.html");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("swagger-ui"));
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Smpkr.Api.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Smpkr.Api.sln not found above the test directory.");
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .ReplaceLineEndings("\n") + "\n";
}
