using Smpkr.Harvester;

// A reference consumer of the register's open data: keeps a local mirror (one JSON Lines file per
// type) from the snapshot and the change feed; resumes where it stopped; verifies against /status.
//
//   dotnet run --project src/Smpkr.Harvester -- --base-url http://localhost:5080 --dir ./mirror [--types programme,qualification] [--follow] [--interval 60]
var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Smpkr.Harvester --base-url <url> --dir <folder> [--types t1,t2] [--follow] [--interval <seconds>]");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

using var http = new HttpClient { BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/") };
var harvester = new Harvester(http, Mirror.Open(options.Folder), options.Types);
try
{
    if (await harvester.EnsureSnapshotAsync(stop.Token))
    {
        Console.WriteLine($"snapshot loaded at cursor {harvester.Mirror.Cursor}");
    }

    do
    {
        var applied = await harvester.CatchUpAsync(stop.Token);
        var check = await harvester.VerifyAsync(stop.Token);
        Console.WriteLine($"{DateTimeOffset.UtcNow:u} applied {applied} changes; cursor {check.Cursor}, head {check.Head}; " +
            (check.AtHead ? check.Differences.Count == 0 ? "counts match" : string.Join("; ", check.Differences) : "head moved on meanwhile"));
        if (options.Follow)
        {
            await Task.Delay(TimeSpan.FromSeconds(options.IntervalSeconds), stop.Token);
        }
        else if (check.AtHead && check.Differences.Count > 0)
        {
            return 1;
        }
    }
    while (options.Follow);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.WriteLine($"stopped at cursor {harvester.Mirror.Cursor}");
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"harvester: {options.BaseUrl} answered: {e.Message} The mirror stays at cursor {harvester.Mirror.Cursor ?? "none"}; run again to resume.");
    return 1;
}

return 0;

internal sealed record Options(string BaseUrl, string Folder, IReadOnlyList<string>? Types, bool Follow, int IntervalSeconds)
{
    public static Options? Parse(string[] args)
    {
        string? baseUrl = null, folder = null;
        IReadOnlyList<string>? types = null;
        var follow = false;
        var interval = 60;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--base-url" when i + 1 < args.Length:
                    baseUrl = args[++i];
                    break;
                case "--dir" when i + 1 < args.Length:
                    folder = args[++i];
                    break;
                case "--types" when i + 1 < args.Length:
                    types = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--follow":
                    follow = true;
                    break;
                case "--interval" when i + 1 < args.Length && int.TryParse(args[i + 1], out var seconds) && seconds > 0:
                    interval = seconds;
                    i++;
                    break;
                default:
                    return null;
            }
        }

        return baseUrl is null || folder is null ? null : new Options(baseUrl, folder, types, follow, interval);
    }
}
