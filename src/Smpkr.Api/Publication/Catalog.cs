using System.Text.Json.Nodes;

namespace Smpkr.Api.Publication;

/// <summary>
/// The DCAT-AP description of the published datasets, as JSON-LD: one dataset per object type with
/// its distributions (JSON, JSON Lines, CSV and the change feed), licence, publisher and frequency.
/// </summary>
public static class Catalog
{
    public const string JsonLd = "application/ld+json";

    private static readonly Dictionary<string, (string Lt, string En)> Titles = new()
    {
        ["programme"] = ("Studijų ir mokymo programos", "Study and training programmes"),
        ["qualification"] = ("Kvalifikacijos", "Qualifications"),
        ["professional-standard"] = ("Profesiniai standartai", "Professional standards"),
        ["vet-standard"] = ("Profesinio rengimo standartai", "VET standards (legacy)"),
    };

    /// <param name="caching">Validators and freshness.</param>
    /// <param name="http">The request.</param>
    public static IResult Get(HttpCaching caching, HttpContext http)
    {
        var root = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{Hosting.ApiSurface.OpenDataPrefix}/v1";
        var catalog = Build(root);
        var text = catalog.ToJsonString(PublishedJson.Options);
        var tag = "k" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
        if (caching.NotModified(http, tag, null))
        {
            return Results.Empty;
        }

        var wantsJsonLd = http.Request.Headers.Accept.Any(a => a?.Contains(JsonLd, StringComparison.OrdinalIgnoreCase) == true);
        return Results.Text(text, (wantsJsonLd ? JsonLd : Formats.Json) + "; charset=utf-8");
    }

    public static JsonObject Build(string root)
    {
        var publisher = new JsonObject
        {
            ["@type"] = "foaf:Agent",
            ["foaf:name"] = new JsonArray(Lang("Nacionalinė švietimo agentūra", "lt"), Lang("National Education Agency (NŠA)", "en")),
        };
        var datasets = new JsonArray();
        foreach (var (type, resource) in PublishedFields.Types)
        {
            var (lt, en) = Titles[type];
            var distributions = new JsonArray(
                Distribution($"{root}/{resource}", Formats.Json, "JSON", $"{en}: current published records, paged"),
                Distribution($"{root}/{resource}?format=jsonl", Formats.JsonLines, "JSON Lines", $"{en}: current published records, paged, one per line"),
                Distribution($"{root}/{resource}?format=csv", Formats.Csv, "CSV", $"{en}: current published records, paged, RFC 4180"),
                Distribution($"{root}/snapshot?types={type}", Formats.JsonLines, "JSON Lines", $"{en}: the whole published state, streamed, stamped with its feed cursor"),
                Distribution($"{root}/snapshot?types={type}&format=csv", Formats.Csv, "CSV", $"{en}: the whole published state as one CSV file"),
                Distribution($"{root}/changes?types={type}", Formats.Json, "JSON", $"{en}: the change feed, every published change in commit order"));
            datasets.Add(new JsonObject
            {
                ["@id"] = $"{root}/catalog#{type}",
                ["@type"] = "dcat:Dataset",
                ["dct:identifier"] = $"smpkr-{type}",
                ["dct:title"] = new JsonArray(Lang(lt, "lt"), Lang(en, "en")),
                ["dct:description"] = new JsonArray(
                    Lang($"{lt}, įregistruotos Studijų, mokymo programų ir kvalifikacijų registre, su visomis versijomis ir pakeitimų srautu.", "lt"),
                    Lang($"{en} registered in the Register of Studies, Training Programmes and Qualifications, with every version and a change feed.", "en")),
                ["dct:publisher"] = publisher.DeepClone(),
                ["dct:license"] = new JsonObject { ["@id"] = "https://creativecommons.org/licenses/by/4.0/" },
                ["dct:accrualPeriodicity"] = new JsonObject { ["@id"] = "http://publications.europa.eu/resource/authority/frequency/CONT" },
                ["dct:language"] = new JsonArray(
                    new JsonObject { ["@id"] = "http://publications.europa.eu/resource/authority/language/LIT" },
                    new JsonObject { ["@id"] = "http://publications.europa.eu/resource/authority/language/ENG" }),
                ["dcat:theme"] = new JsonObject { ["@id"] = "http://publications.europa.eu/resource/authority/data-theme/EDUC" },
                ["dcat:distribution"] = distributions,
            });
        }

        return new JsonObject
        {
            ["@context"] = new JsonObject
            {
                ["dcat"] = "http://www.w3.org/ns/dcat#",
                ["dct"] = "http://purl.org/dc/terms/",
                ["foaf"] = "http://xmlns.com/foaf/0.1/",
            },
            ["@id"] = $"{root}/catalog",
            ["@type"] = "dcat:Catalog",
            ["dct:title"] = new JsonArray(Lang("Studijų, mokymo programų ir kvalifikacijų registro atvirieji duomenys", "lt"),
                Lang("Open data of the Register of Studies, Training Programmes and Qualifications", "en")),
            ["dct:publisher"] = publisher,
            ["dct:license"] = new JsonObject { ["@id"] = "https://creativecommons.org/licenses/by/4.0/" },
            ["dcat:dataset"] = datasets,
        };
    }

    private static JsonObject Lang(string value, string language) => new() { ["@value"] = value, ["@language"] = language };

    private static JsonObject Distribution(string url, string mediaType, string format, string title) => new()
    {
        ["@type"] = "dcat:Distribution",
        ["dct:title"] = title,
        ["dcat:accessURL"] = new JsonObject { ["@id"] = url },
        ["dcat:mediaType"] = new JsonObject { ["@id"] = $"https://www.iana.org/assignments/media-types/{mediaType}" },
        ["dct:format"] = format,
    };
}
