using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Smpkr.Harvester;

/// <summary>What a verification found: the mirror's counts against the register's at the same cursor.</summary>
public sealed record Verification(bool AtHead, string Cursor, string Head, IReadOnlyList<string> Differences)
{
    public bool Matches => AtHead && Differences.Count == 0;
}

/// <summary>
/// The open-data protocol from the consumer's side: load the snapshot once, then follow the change
/// feed from the snapshot's cursor, applying each entry's full record; persist after every page.
/// </summary>
public sealed class Harvester(HttpClient http, Mirror mirror, IReadOnlyList<string>? types = null, int pageSize = 1000)
{
    private string TypesQuery => types is { Count: > 0 } ? "&types=" + string.Join(',', types) : string.Empty;

    public Mirror Mirror => mirror;

    /// <summary>Loads the snapshot when the mirror has none yet; returns whether it did.</summary>
    public async Task<bool> EnsureSnapshotAsync(CancellationToken cancellationToken)
    {
        if (mirror.Cursor is not null)
        {
            return false;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"open/v1/snapshot?format=jsonl{TypesQuery}");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        if (response.Content.Headers.ContentEncoding.Contains("gzip"))
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        using var lines = new StreamReader(body);
        var stamp = JsonNode.Parse((await lines.ReadLineAsync(cancellationToken))!)!;
        var cursor = stamp["feedCursor"]!.GetValue<string>();
        mirror.Reset();
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var record = JsonNode.Parse(line)!;
            mirror.Put(record["type"]!.GetValue<string>(), record["code"]!.GetValue<string>(), line);
        }

        mirror.Save(cursor);
        return true;
    }

    /// <summary>Reads feed pages until one comes back empty; returns how many entries were applied.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken, int? maxPages = null)
    {
        var applied = 0;
        for (var page = 0; maxPages is null || page < maxPages; page++)
        {
            var url = $"open/v1/changes?after={mirror.Cursor}&limit={pageSize}{TypesQuery}";
            var feed = await GetJsonAsync(url, cancellationToken);
            var items = feed["items"]!.AsArray();
            foreach (var item in items)
            {
                var type = item!["type"]!.GetValue<string>();
                if (item["previousCode"]?.GetValue<string>() is { } previous)
                {
                    mirror.Remove(type, previous);
                }

                mirror.Put(type, item["code"]!.GetValue<string>(), item["record"]!.ToJsonString(JsonOptions.Compact));
            }

            applied += items.Count;
            mirror.Save(feed["cursor"]!.GetValue<string>());
            if (items.Count == 0)
            {
                break;
            }
        }

        return applied;
    }

    /// <summary>Compares the mirror's counts per type with <c>/open/v1/status</c>, when both are at the same cursor.</summary>
    public async Task<Verification> VerifyAsync(CancellationToken cancellationToken)
    {
        var status = await GetJsonAsync("open/v1/status", cancellationToken);
        var head = status["head"]!.GetValue<string>();
        var differences = new List<string>();
        foreach (var (type, counts) in status["counts"]!.AsObject())
        {
            if (types is { Count: > 0 } && !types.Contains(type))
            {
                continue;
            }

            var expected = counts!["total"]!.GetValue<long>();
            if (expected != mirror.Count(type))
            {
                differences.Add($"{type}: the register publishes {expected}, the mirror holds {mirror.Count(type)}");
            }
        }

        return new Verification(head == mirror.Cursor, mirror.Cursor ?? "none", head, differences);
    }

    private async Task<JsonNode> GetJsonAsync(string url, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await http.GetAsync(url, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 10)
            {
                // Fair use: wait as long as the register asks.
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(wait, cancellationToken);
                continue;
            }

            response.EnsureSuccessStatusCode();
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        }
    }
}

internal static class JsonOptions
{
    public static readonly System.Text.Json.JsonSerializerOptions Compact = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
