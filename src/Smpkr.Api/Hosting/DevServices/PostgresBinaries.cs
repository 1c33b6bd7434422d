using System.Diagnostics;
using System.Text;

namespace Smpkr.Api.Hosting.DevServices;

/// <summary>The PostgreSQL server programs (initdb, pg_ctl) on this machine, and how to run them.</summary>
public sealed class PostgresBinaries
{
    private PostgresBinaries(string binDirectory) => BinDirectory = binDirectory;

    public string BinDirectory { get; }

    /// <summary>PostgreSQL refuses to run as root, so as root the server runs as the <c>postgres</c> user.</summary>
    public static bool RunningAsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    public static async Task<PostgresBinaries> FindOrInstallAsync(Action<string> say, CancellationToken cancellationToken)
    {
        var found = Find();
        if (found is not null)
        {
            return found;
        }

        if (!RunningAsRoot || !File.Exists("/usr/bin/apt-get"))
        {
            throw new DevServicesException(
                "PostgreSQL server binaries not found: install PostgreSQL 15 (Debian: 'sudo apt-get install -y postgresql'), " +
                "start a Docker engine, or set ConnectionStrings__Smpkr to an existing database.");
        }

        say("PostgreSQL server binaries not found; installing Debian's 'postgresql' package (running as root)…");
        await ProcessRunner.RunAsync("apt-get", ["update", "-qq"], cancellationToken, environment: NonInteractive);
        await ProcessRunner.RunAsync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "postgresql"], cancellationToken, environment: NonInteractive);
        return Find() ?? throw new DevServicesException("Installed 'postgresql' but found no initdb under /usr/lib/postgresql/*/bin.");
    }

    /// <summary><c>PG_BIN</c> if set, else the newest Debian-style install, else initdb on the PATH.</summary>
    public static PostgresBinaries? Find()
    {
        var explicitBin = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(explicitBin) && File.Exists(Path.Combine(explicitBin, "initdb")))
        {
            return new PostgresBinaries(explicitBin);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Dir is not null)
            {
                return new PostgresBinaries(newest.Dir);
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        return onPath is null ? null : new PostgresBinaries(onPath);
    }

    /// <summary>Runs a server program, as the <c>postgres</c> user when this process is root.</summary>
    public Task<string> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool check = true)
    {
        var path = Path.Combine(BinDirectory, program);
        return RunningAsRoot
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellationToken, check: check)
            : ProcessRunner.RunAsync(path, arguments, cancellationToken, check: check);
    }

    /// <summary>Hands a directory to the user the server runs as.</summary>
    public static async Task GiveToServerUserAsync(string directory, CancellationToken cancellationToken)
    {
        if (RunningAsRoot)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "postgres:postgres", directory], cancellationToken);
        }
    }

    private static readonly Dictionary<string, string> NonInteractive = new() { ["DEBIAN_FRONTEND"] = "noninteractive" };
}

/// <summary>Dev services could not provide a database; the message says what to do.</summary>
public sealed class DevServicesException(string message) : Exception(message);

internal static class ProcessRunner
{
    public static async Task<string> RunAsync(
        string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null, bool check = true)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new DevServicesException($"Could not start '{fileName}'.");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        output.Append(await stdout).Append(await stderr);
        if (check && process.ExitCode != 0)
        {
            throw new DevServicesException($"'{fileName} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}: {output.ToString().Trim()}");
        }

        return output.ToString();
    }
}
