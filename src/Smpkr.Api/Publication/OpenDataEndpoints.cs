using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Smpkr.Api.Problems;
using Smpkr.Api.Register;
using Smpkr.Api.Search;

namespace Smpkr.Api.Publication;

/// <summary>The published type an open-data endpoint serves.</summary>
public sealed record PublishedType(string Type, string Resource);

/// <summary>
/// <c>/open/v1</c>: published records by type (list, by code or alias, versions, <c>asOf</c>/<c>validAt</c>),
/// the change feed, the snapshot, status and the catalogue. Anonymous and read-only; every answer
/// has a strong ETag and honours <c>If-None-Match</c>; JSON, JSON Lines or CSV.
/// </summary>
public static class OpenDataEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private const int MaxCodeLength = 64;

    public static void MapPublication(this RouteGroupBuilder openData)
    {
        foreach (var (type, resource) in PublishedFields.Types)
        {
            var plural = Pascal(resource);
            var group = openData.MapGroup("/" + resource).WithTags($"Open data: {resource}").WithMetadata(new PublishedType(type, resource));
            group.MapGet("/", ListRecords).WithName($"ListPublished{plural}")
                .WithSummary($"List published {resource}")
                .WithDescription($"Published (registered and deregistered) {resource}: search and filters as on the register API (`q`, filters, `sort`, `facets`, `total`), keyset-paginated (`cursor`), by code unless `q` or `sort` says otherwise; or as published at `asOf` and/or in the version in force on `validAt`. JSON, JSON Lines or CSV.")
                .Produces<JsonObject>(StatusCodes.Status200OK, Formats.Json, Formats.JsonLines, Formats.Csv);
            group.MapGet("/{code}", GetRecord).WithName($"GetPublished{plural[..^1]}")
                .WithSummary($"Get a published {type.Replace('-', ' ')} by code or alias")
                .WithDescription("By state code or an old code (alias): an alias answers with the record under its canonical code and says so in `requestedCode` and `Link: rel=\"canonical\"`. Deregistered records stay reachable.")
                .Produces<JsonObject>(StatusCodes.Status200OK, Formats.Json, Formats.JsonLines, Formats.Csv);
            group.MapGet("/{code}/versions", GetVersions).WithName($"ListPublished{plural[..^1]}Versions")
                .WithSummary($"List a published {type.Replace('-', ' ')}'s versions")
                .WithDescription("Every registered version with its validity, each as last published; `asOf` and `validAt` narrow it.")
                .Produces<JsonObject>(StatusCodes.Status200OK, Formats.Json, Formats.JsonLines, Formats.Csv);
        }

        var feed = openData.MapGroup("/").WithTags("Open data: feed");
        feed.MapGet("/changes", Changes).WithName("ListChanges")
            .WithSummary("The change feed")
            .WithDescription("One entry per published change, in commit order, gap-free: follow `next` (or pass the last `cursor` as `after`). Each entry carries the full published record, or only what changed with `view=patch`.")
            .Produces<JsonObject>(StatusCodes.Status200OK, Formats.Json, Formats.JsonLines, Formats.Csv);
        feed.MapGet("/snapshot", Snapshot).WithName("GetSnapshot")
            .WithSummary("The whole published state, streamed")
            .WithDescription("JSON Lines (default) or CSV (one type), gzip with `Accept-Encoding: gzip`; stamped with the feed cursor it is consistent with (header `Feed-Cursor`; first line of JSON Lines, `feed_cursor` column of CSV). Continue with `/changes?after=` that cursor.")
            .Produces<string>(StatusCodes.Status200OK, Formats.JsonLines, Formats.Csv);
        feed.MapGet("/status", Status).WithName("GetPublicationStatus")
            .WithSummary("Feed head, counts per type, time of the last change")
            .WithDescription("The feed's head cursor, the number of published records per type and status, the time of the last change and the oldest cursor still served (the feed is never purged), all from one database snapshot: a mirror at the head cursor must hold exactly these counts.")
            .Produces<JsonObject>(StatusCodes.Status200OK, Formats.Json);
        feed.MapGet("/catalog", Catalog.Get).WithName("GetCatalog")
            .WithSummary("DCAT-AP description of the published datasets (JSON-LD)")
            .WithDescription("One dcat:Dataset per object type with its distributions (JSON, JSON Lines, CSV, snapshot, change feed), licence, publisher (NŠA) and update frequency; `application/ld+json` when asked for.")
            .Produces<JsonObject>(StatusCodes.Status200OK, Catalog.JsonLd, Formats.Json);
    }

    /// <param name="query">Search and filters as on the register API (published records only): <c>q</c>, filters, <c>sort</c>, <c>facets</c>, <c>total</c>, <c>cursor</c>, <c>limit</c>.</param>
    /// <param name="asOf">Show the records as they were published at this moment (ISO 8601 timestamp); combines with validAt, kind, status, cursor and limit only.</param>
    /// <param name="validAt">Show the version in force on this date (ISO 8601 date); combines with asOf, kind, status, cursor and limit only.</param>
    /// <param name="format"><c>json</c> (default), <c>jsonl</c> or <c>csv</c>; also chosen by <c>Accept</c>.</param>
    /// <param name="store">Published data.</param>
    /// <param name="classifiers">Classifiers, to check filter values.</param>
    /// <param name="types">What each type offers to search.</param>
    /// <param name="caching">Validators and freshness.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<IResult> ListRecords(
        [AsParameters] SearchQuery query, DateTimeOffset? asOf, DateOnly? validAt, string? format,
        PublishedStore store, ClassifierCatalog classifiers, SearchableTypes types, HttpCaching caching, HttpContext http, CancellationToken cancellationToken)
    {
        var published = Published(http);
        var errors = new List<FieldError>();
        var chosen = Formats.Choose(http.Request, format, errors);
        Values(query.Status, ["registered", "deregistered"], "status", errors);
        var historical = asOf is not null || validAt is not null;
        SearchRequest? request = null;
        string? afterCode = null;
        var size = query.Limit ?? RecordFilter.DefaultLimit;
        if (historical)
        {
            Values(query.Kind, PublishedFields.KindsOf(published.Type).OfType<string>().ToArray(), "kind", errors);
            if (size is < 1 or > RecordFilter.MaxLimit)
            {
                errors.Add(new FieldError("limit", "limit.out-of-range", $"Use 1–{RecordFilter.MaxLimit}."));
            }

            afterCode = ReadCodeCursor(query.Cursor, errors);
            foreach (var name in SearchOnly(query))
            {
                errors.Add(new FieldError(name, "query.not-with-history", $"'{name}' searches the current records; with asOf or validAt use only kind, status, cursor and limit."));
            }
        }
        else if (errors.Count == 0)
        {
            // Without q, open data lists by code: the order a harvester or another register expects.
            request = SearchRequest.Parse(query, types.Get(published.Type), await classifiers.GetAsync(cancellationToken), errors, listedBy: SearchSort.Code);
        }

        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        var head = await store.HeadAsync(fromPrimary: false, cancellationToken);
        if (caching.NotModified(http, $"l{head.Head}.{HttpCaching.Fingerprint(http.Request, chosen!.Value)}", head.LastChangeAt))
        {
            return Results.Empty;
        }

        if (historical)
        {
            var page = await store.ListAsync(published.Type, query.Kind is { Length: > 0 } ? query.Kind : null,
                query.Status is { Length: > 0 } ? query.Status : null, afterCode, size + 1, asOf, validAt, cancellationToken);
            var next = page.Count > size ? Pages.Next(http, CodeCursor(page[size - 1].Code)).ToString() : null;
            await WriteRecordsAsync(http, chosen.Value, published.Type, page.Take(size), writer => writer.WriteString("next", next));
            return Results.Empty;
        }

        var (records, result) = await store.SearchAsync(published.Type, request!, cancellationToken);
        var nextPage = result.NextCursor is { } cursor ? Pages.Next(http, cursor).ToString() : null;
        await WriteRecordsAsync(http, chosen.Value, published.Type, records, writer =>
        {
            writer.WriteString("next", nextPage);
            if (result.Total is { } total)
            {
                writer.WriteNumber("total", total);
            }

            if (result.Facets is { } facets)
            {
                writer.WriteStartObject("facets");
                foreach (var (name, counts) in facets)
                {
                    writer.WriteStartArray(name);
                    foreach (var count in counts)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("value", count.Value);
                        writer.WriteNumber("count", count.Count);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }
        });
        return Results.Empty;
    }

    /// <summary>The parameters that search current records and have no meaning for a past state.</summary>
    private static IEnumerable<string> SearchOnly(SearchQuery query)
    {
        var given = new (string Name, bool Set)[]
        {
            ("q", query.Q is not null), ("provider", query.Provider is { Length: > 0 }), ("fieldGroup", query.FieldGroup is { Length: > 0 }),
            ("studyField", query.StudyField is { Length: > 0 }), ("iscedF", query.IscedF is { Length: > 0 }), ("ltksLevel", query.LtksLevel is { Length: > 0 }),
            ("eqfLevel", query.EqfLevel is { Length: > 0 }), ("cycle", query.Cycle is { Length: > 0 }), ("studyType", query.StudyType is { Length: > 0 }),
            ("language", query.Language is { Length: > 0 }), ("form", query.Form is { Length: > 0 }), ("registeredFrom", query.RegisteredFrom is not null),
            ("registeredTo", query.RegisteredTo is not null), ("changedSince", query.ChangedSince is not null), ("sort", query.Sort is not null),
            ("facets", query.Facets is { Length: > 0 }), ("total", query.Total is not null),
        };
        return given.Where(g => g.Set).Select(g => g.Name);
    }

    /// <param name="code">The state code, or an old code (alias).</param>
    /// <param name="asOf">The record as published at this moment (ISO 8601 timestamp).</param>
    /// <param name="validAt">The version in force on this date (ISO 8601 date).</param>
    /// <param name="format"><c>json</c> (default), <c>jsonl</c> or <c>csv</c>; also chosen by <c>Accept</c>.</param>
    /// <param name="store">Published data.</param>
    /// <param name="caching">Validators and freshness.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<IResult> GetRecord(
        string code, DateTimeOffset? asOf, DateOnly? validAt, string? format,
        PublishedStore store, HttpCaching caching, HttpContext http, CancellationToken cancellationToken)
    {
        var published = Published(http);
        var errors = new List<FieldError>();
        var chosen = Formats.Choose(http.Request, format, errors);
        CheckCode(code, errors);
        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        StoredRecord? record;
        var byAlias = false;
        if (asOf is null && validAt is null)
        {
            var found = await store.FindAsync(published.Type, code, cancellationToken);
            (record, byAlias) = found is { } f ? (f.Record, f.ByAlias) : (null, false);
        }
        else
        {
            record = await store.HistoricalAsync(published.Type, code, asOf, validAt, cancellationToken);
            byAlias = record is not null && record.Code != code;
        }

        if (record is null)
        {
            return Problem.NotFound(http, asOf is null && validAt is null
                ? $"No published {published.Type.Replace('-', ' ')} has the code or alias '{code}'."
                : $"No published {published.Type.Replace('-', ' ')} '{code}' matches asOf/validAt.", "record.not-found");
        }

        var tag = $"{(asOf is null && validAt is null ? "r" : "h")}{record.Sequence}.{Formats.Suffix(chosen!.Value)}{(byAlias ? "." + code : string.Empty)}";
        if (byAlias)
        {
            http.Response.Headers.Link = $"<{http.Request.PathBase}{OpenPath(http, published.Resource)}/{record.Code}>; rel=\"canonical\"";
        }

        if (caching.NotModified(http, tag, record.ChangedAt))
        {
            return Results.Empty;
        }

        var json = byAlias ? WithRequestedCode(record.Json, code) : record.Json;
        await WriteOneAsync(http, chosen.Value, published.Type, json);
        return Results.Empty;
    }

    /// <param name="code">The state code, or an old code (alias).</param>
    /// <param name="asOf">Versions as published at this moment (ISO 8601 timestamp).</param>
    /// <param name="validAt">Only the version in force on this date (ISO 8601 date).</param>
    /// <param name="format"><c>json</c> (default), <c>jsonl</c> or <c>csv</c>; also chosen by <c>Accept</c>.</param>
    /// <param name="store">Published data.</param>
    /// <param name="caching">Validators and freshness.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<IResult> GetVersions(
        string code, DateTimeOffset? asOf, DateOnly? validAt, string? format,
        PublishedStore store, HttpCaching caching, HttpContext http, CancellationToken cancellationToken)
    {
        var published = Published(http);
        var errors = new List<FieldError>();
        var chosen = Formats.Choose(http.Request, format, errors);
        CheckCode(code, errors);
        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        var head = await store.HeadAsync(fromPrimary: false, cancellationToken);
        var versions = await store.VersionsAsync(published.Type, code, asOf, validAt, cancellationToken);
        if (versions is null)
        {
            return Problem.NotFound(http, $"No published {published.Type.Replace('-', ' ')} has the code or alias '{code}'.", "record.not-found");
        }

        if (caching.NotModified(http, $"v{head.Head}.{HttpCaching.Fingerprint(http.Request, chosen!.Value)}", versions.LastOrDefault()?.ChangedAt))
        {
            return Results.Empty;
        }

        if (chosen.Value != OpenFormat.Json)
        {
            await WriteRecordsAsync(http, chosen.Value, published.Type, versions, null);
            return Results.Empty;
        }

        var validities = versions.Select(v => JsonNode.Parse(v.Json)!["validFrom"]?.GetValue<string>()).ToList();
        http.Response.ContentType = Formats.ContentType(OpenFormat.Json);
        await using var writer = new Utf8JsonWriter(http.Response.BodyWriter, PublishedJson.Writer);
        writer.WriteStartObject();
        writer.WriteString("code", versions.Count > 0 ? versions[^1].Code : code);
        writer.WriteStartArray("versions");
        for (var i = 0; i < versions.Count; i++)
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", versions[i].Version);
            writer.WriteString("validFrom", validities[i]);
            var nextFrom = i + 1 < versions.Count && DateOnly.TryParse(validities[i + 1], CultureInfo.InvariantCulture, out var n) ? n.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
            writer.WriteString("validTo", nextFrom);
            writer.WritePropertyName("record");
            writer.WriteRawValue(versions[i].Json, skipInputValidation: true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        return Results.Empty;
    }

    /// <param name="after">The cursor of the last entry already read; omitted = from the beginning.</param>
    /// <param name="limit">Entries per page, 1–1000 (default 100).</param>
    /// <param name="types">Only these object types (repeatable or comma-separated): programme, qualification, professional-standard, vet-standard.</param>
    /// <param name="view"><c>record</c> (default: the full published record) or <c>patch</c> (only what changed, as a JSON merge patch).</param>
    /// <param name="format"><c>json</c> (default), <c>jsonl</c> or <c>csv</c>; also chosen by <c>Accept</c>.</param>
    /// <param name="store">Published data.</param>
    /// <param name="caching">Validators and freshness.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<IResult> Changes(
        string? after, int? limit, [FromQuery] string[]? types, string? view, string? format,
        PublishedStore store, HttpCaching caching, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var chosen = Formats.Choose(http.Request, format, errors);
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            errors.Add(new FieldError("limit", "limit.out-of-range", $"Use 1–{MaxLimit}."));
        }

        var position = ReadFeedCursor(after, "after", errors);
        var objectTypes = Types(types, errors);
        var patches = view switch
        {
            null or "record" => false,
            "patch" => true,
            _ => Error(errors, new FieldError("view", "view.unknown", $"'{view}' is not a view: use record or patch.")),
        };
        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        var (entries, head) = await store.ChangesAsync(position, size, objectTypes, patches, cancellationToken);
        if (position > head.Head)
        {
            return ValidationProblems.Result(http,
                [new FieldError("after", "cursor.ahead", $"The feed's head is {head.Head}; cursor {position} was not issued by this register. Start from a snapshot.")]);
        }

        var last = entries.Count > 0 ? entries[^1].Sequence : position;
        var full = entries.Count == size;
        http.Response.Headers["Feed-Head"] = CsvText.Invariant(head.Head);
        if (caching.NotModified(http, $"c{position}.{last}.{HttpCaching.Fingerprint(http.Request, chosen!.Value)}", entries.Count > 0 ? entries[^1].RecordedAt : head.LastChangeAt, immutable: full))
        {
            return Results.Empty;
        }

        var next = Pages.NextWith(http, "after", CsvText.Invariant(last)).ToString();
        http.Response.ContentType = Formats.ContentType(chosen.Value);
        var member = patches ? "patch" : "record";
        if (chosen.Value == OpenFormat.Csv)
        {
            var text = new StringBuilder(CsvText.Line(["cursor", "op", "type", "code", "previous_code", "version", "valid_from", "at", member]));
            foreach (var e in entries)
            {
                text.Append(CsvText.Line([CsvText.Invariant(e.Sequence), e.Op, e.ObjectType, e.Code, e.PreviousCode, e.Version.ToString(CultureInfo.InvariantCulture),
                    Date(e.ValidFrom), Timestamp(e.RecordedAt), Encoding.UTF8.GetString(e.Json)]));
            }

            await http.Response.WriteAsync(text.ToString(), cancellationToken);
            return Results.Empty;
        }

        await using var writer = new Utf8JsonWriter(http.Response.BodyWriter, PublishedJson.Writer);
        if (chosen.Value == OpenFormat.Json)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
        }

        foreach (var e in entries)
        {
            writer.WriteStartObject();
            writer.WriteString("cursor", CsvText.Invariant(e.Sequence));
            writer.WriteString("op", e.Op);
            writer.WriteString("type", e.ObjectType);
            writer.WriteString("code", e.Code);
            if (e.PreviousCode is not null)
            {
                writer.WriteString("previousCode", e.PreviousCode);
            }

            writer.WriteNumber("version", e.Version);
            writer.WriteString("validFrom", Date(e.ValidFrom));
            writer.WriteString("at", Timestamp(e.RecordedAt));
            writer.WritePropertyName(member);
            writer.WriteRawValue(e.Json, skipInputValidation: true);
            writer.WriteEndObject();
            if (chosen.Value == OpenFormat.JsonLines)
            {
                // Into the response's buffer, like the JSON page: sent once, at the end, not a write per line.
                writer.Flush();
                writer.Reset();
                http.Response.BodyWriter.Write(NewLine);
            }
        }

        if (chosen.Value == OpenFormat.Json)
        {
            writer.WriteEndArray();
            writer.WriteString("cursor", CsvText.Invariant(last));
            writer.WriteString("head", CsvText.Invariant(head.Head));
            writer.WriteString("next", next);
            writer.WriteEndObject();
        }

        await writer.FlushAsync(cancellationToken);
        return Results.Empty;
    }

    /// <param name="types">Only these object types (repeatable or comma-separated); default all. CSV takes exactly one.</param>
    /// <param name="format"><c>jsonl</c> (default) or <c>csv</c>; also chosen by <c>Accept</c>.</param>
    /// <param name="store">Published data.</param>
    /// <param name="caching">Validators and freshness.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<IResult> Snapshot(
        [FromQuery] string[]? types, string? format, PublishedStore store, HttpCaching caching, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var chosen = format is null && !http.Request.Headers.Accept.Any(a => a?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true)
            ? OpenFormat.JsonLines
            : Formats.Choose(http.Request, format, errors);
        var objectTypes = Types(types, errors) ?? [.. PublishedFields.Types.Select(t => t.Type)];
        if (chosen == OpenFormat.Json)
        {
            errors.Add(new FieldError("format", "format.not-offered", "A snapshot is JSON Lines (jsonl) or CSV (csv), one record per line."));
        }

        if (chosen == OpenFormat.Csv && objectTypes.Length != 1)
        {
            errors.Add(new FieldError("types", "types.one-for-csv", "A CSV snapshot holds one type (its columns): pass exactly one in types."));
        }

        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        await using var snapshot = await store.BeginSnapshotAsync(cancellationToken);
        var cursor = CsvText.Invariant(snapshot.Head.Head);
        http.Response.Headers["Feed-Cursor"] = cursor;
        if (caching.NotModified(http, $"s{cursor}.{HttpCaching.Fingerprint(http.Request, chosen!.Value)}", snapshot.Head.LastChangeAt))
        {
            return Results.Empty;
        }

        http.Response.ContentType = Formats.ContentType(chosen.Value);
        var gzip = http.Request.Headers.AcceptEncoding.Any(e => e?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true);
        Stream body = http.Response.Body;
        if (gzip)
        {
            http.Response.Headers.ContentEncoding = "gzip";
            body = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true);
        }

        await using (body.ConfigureAwait(false))
        {
            // Sent in 64 KB pieces (the response stream would send each write by itself).
            await using var output = new BufferedStream(body, 64 * 1024);
            var columns = chosen == OpenFormat.Csv ? PublishedFields.Columns(objectTypes[0]) : [];
            if (chosen == OpenFormat.Csv)
            {
                await output.WriteAsync(Encoding.UTF8.GetBytes(CsvText.Header(columns, "feed_cursor")), cancellationToken);
            }
            else
            {
                var stamp = new JsonObject
                {
                    ["feedCursor"] = cursor,
                    ["takenAt"] = Timestamp(DateTimeOffset.UtcNow),
                    ["types"] = new JsonArray([.. objectTypes.Select(t => (JsonNode)t)]),
                };
                await output.WriteAsync(Encoding.UTF8.GetBytes(stamp.ToJsonString(PublishedJson.Options) + "\n"), cancellationToken);
            }

            await foreach (var json in snapshot.RecordsAsync(objectTypes, cancellationToken))
            {
                if (chosen == OpenFormat.Csv)
                {
                    await output.WriteAsync(Encoding.UTF8.GetBytes(CsvText.Row(columns, json, cursor)), cancellationToken);
                }
                else
                {
                    await output.WriteAsync(json, cancellationToken);
                    await output.WriteAsync(NewLine, cancellationToken);
                }
            }

            await output.FlushAsync(cancellationToken);
        }

        return Results.Empty;
    }

    /// <param name="store">Published data.</param>
    /// <param name="caching">Validators and freshness.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<IResult> Status(PublishedStore store, HttpCaching caching, HttpContext http, CancellationToken cancellationToken)
    {
        var (head, counts) = await store.StatusAsync(cancellationToken);
        if (caching.NotModified(http, $"t{head.Head}", head.LastChangeAt))
        {
            return Results.Empty;
        }

        var perType = new JsonObject();
        foreach (var (type, _) in PublishedFields.Types)
        {
            var registered = counts.Where(c => c.Type == type && c.Status == "registered").Sum(c => c.Count);
            var deregistered = counts.Where(c => c.Type == type && c.Status == "deregistered").Sum(c => c.Count);
            perType[type] = new JsonObject { ["registered"] = registered, ["deregistered"] = deregistered, ["total"] = registered + deregistered };
        }

        var status = new JsonObject
        {
            ["head"] = CsvText.Invariant(head.Head),
            ["lastChangeAt"] = head.LastChangeAt is { } at ? Timestamp(at) : null,
            ["oldestCursor"] = "0",
            ["counts"] = perType,
        };
        return Results.Text(status.ToJsonString(PublishedJson.Options), Formats.ContentType(OpenFormat.Json));
    }

    // ---- helpers --------------------------------------------------------------------------

    private static PublishedType Published(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<PublishedType>() ?? throw new InvalidOperationException("Not an open-data record endpoint.");

    private static string OpenPath(HttpContext http, string resource)
    {
        var path = http.Request.Path.Value ?? string.Empty;
        return path[..(path.IndexOf("/" + resource + "/", StringComparison.Ordinal) + resource.Length + 1)];
    }

    private static async Task WriteOneAsync(HttpContext http, OpenFormat format, string type, byte[] json)
    {
        http.Response.ContentType = Formats.ContentType(format);
        switch (format)
        {
            case OpenFormat.Csv:
                var columns = PublishedFields.Columns(type);
                await http.Response.WriteAsync(CsvText.Header(columns) + CsvText.Row(columns, json));
                break;
            case OpenFormat.JsonLines:
                http.Response.ContentLength = json.Length + 1;
                http.Response.BodyWriter.Write(json);
                http.Response.BodyWriter.Write(NewLine);
                await http.Response.BodyWriter.FlushAsync();
                break;
            default:
                http.Response.ContentLength = json.Length;
                await http.Response.Body.WriteAsync(json);
                break;
        }
    }

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private static async Task WriteRecordsAsync(HttpContext http, OpenFormat format, string type, IEnumerable<StoredRecord> records, Action<Utf8JsonWriter>? trailer)
    {
        http.Response.ContentType = Formats.ContentType(format);
        if (format == OpenFormat.Csv)
        {
            var columns = PublishedFields.Columns(type);
            var text = new StringBuilder(CsvText.Header(columns));
            foreach (var record in records)
            {
                text.Append(CsvText.Row(columns, record.Json));
            }

            await http.Response.WriteAsync(text.ToString());
            return;
        }

        if (format == OpenFormat.JsonLines)
        {
            foreach (var record in records)
            {
                http.Response.BodyWriter.Write(record.Json);
                http.Response.BodyWriter.Write(NewLine);
            }

            await http.Response.BodyWriter.FlushAsync();
            return;
        }

        await using var writer = new Utf8JsonWriter(http.Response.BodyWriter, PublishedJson.Writer);
        writer.WriteStartObject();
        writer.WriteStartArray("items");
        foreach (var record in records)
        {
            writer.WriteRawValue(record.Json, skipInputValidation: true);
        }

        writer.WriteEndArray();
        trailer?.Invoke(writer);
        writer.WriteEndObject();
        await writer.FlushAsync();
    }

    private static byte[] WithRequestedCode(byte[] json, string requested)
    {
        var record = JsonNode.Parse(json)!.AsObject();
        var answer = new JsonObject { ["requestedCode"] = requested };
        foreach (var (name, value) in record)
        {
            answer[name] = value?.DeepClone();
        }

        var output = new ArrayBufferWriter<byte>(json.Length + requested.Length + 32);
        using (var writer = new Utf8JsonWriter(output, PublishedJson.Writer))
        {
            answer.WriteTo(writer);
        }

        return output.WrittenSpan.ToArray();
    }

    private static string[]? Values(string[]? given, string[] allowed, string name, List<FieldError> errors)
    {
        if (given is not { Length: > 0 })
        {
            return null;
        }

        foreach (var value in given.Where(v => !allowed.Contains(v, StringComparer.Ordinal)))
        {
            errors.Add(new FieldError(name, "filter.unknown-value", allowed.Length == 0
                ? $"This type has no {name}s."
                : $"'{value}' is not a {name}: use {string.Join(", ", allowed)}."));
        }

        return given;
    }

    private static string[]? Types(string[]? given, List<FieldError> errors)
    {
        var names = given?.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        if (names is not { Length: > 0 })
        {
            return null;
        }

        var types = new List<string>();
        foreach (var name in names)
        {
            if (PublishedFields.TypeNamed(name) is { } type)
            {
                types.Add(type);
            }
            else
            {
                errors.Add(new FieldError("types", "filter.unknown-value",
                    $"'{name}' is not a published type: use {string.Join(", ", PublishedFields.Types.Select(t => t.Type))}."));
            }
        }

        return [.. types.Distinct()];
    }

    private static void CheckCode(string code, List<FieldError> errors)
    {
        if (code.Length > MaxCodeLength || code.Any(char.IsControl))
        {
            errors.Add(new FieldError("code", "code.format", $"A code has at most {MaxCodeLength} printable characters."));
        }
    }

    /// <summary>A list cursor: the base64url of the last code of the previous page.</summary>
    private static string CodeCursor(string code) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes("c:" + code));

    private static string? ReadCodeCursor(string? cursor, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith("c:", StringComparison.Ordinal) && text.Length is > 2 and <= MaxCodeLength + 2)
            {
                return text[2..];
            }
        }
        catch (FormatException)
        {
        }

        errors.Add(new FieldError("cursor", "cursor.invalid", "This cursor was not issued by this list; start again without it."));
        return null;
    }

    /// <summary>A feed cursor is the decimal sequence number of an entry (0 = before the first).</summary>
    public static long ReadFeedCursor(string? cursor, string name, List<FieldError> errors)
    {
        if (cursor is null)
        {
            return 0;
        }

        if (cursor.Length is 0 or > 18 || !cursor.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError(name, "cursor.invalid", "A feed cursor is the decimal number of an entry, as the feed gave it."));
            return 0;
        }

        return long.Parse(cursor, CultureInfo.InvariantCulture);
    }

    private static bool Error(List<FieldError> errors, FieldError error)
    {
        errors.Add(error);
        return false;
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Pascal(string resource) => string.Concat(resource.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
