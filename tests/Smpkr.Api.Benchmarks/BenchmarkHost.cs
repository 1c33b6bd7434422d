using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Smpkr.Api.Data;
using Smpkr.Api.Hosting.DevServices;

namespace Smpkr.Api.Benchmarks;

/// <summary>
/// A throwaway PostgreSQL, a migrated and seeded database on it, and the service running from its
/// Release build as a separate process on a loopback port, with a signing key only this run knows.
/// </summary>
internal sealed class BenchmarkHost : IAsyncDisposable
{
    private const string Issuer = "smpkr-benchmark";
    private const string Audience = "smpkr-api";
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private IProvisionedPostgres? _postgres;
    private Process? _service;

    public string ServerConnectionString { get; private set; } = string.Empty;

    public string DatabaseConnectionString { get; private set; } = string.Empty;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The service process (for its memory).</summary>
    public int? ServiceProcessId => _service?.Id;

    /// <param name="prepare">Fills the new database before the service starts (e.g. a generated register).</param>
    public static async Task<BenchmarkHost> StartAsync(Func<string, Task>? prepare = null)
    {
        var host = new BenchmarkHost();
        host._postgres = await PostgresProvisioner.ProvisionAsync(null, line => Console.WriteLine($"  {line}"), CancellationToken.None);
        host.ServerConnectionString = host._postgres.ServerConnectionString;
        host.DatabaseConnectionString = await host.CreateDatabaseAsync("smpkr_bench");
        if (prepare is not null)
        {
            await prepare(host.DatabaseConnectionString);
        }

        await host.StartServiceAsync();
        return host;
    }

    /// <summary>Stops the service and starts it again over another database of the same server.</summary>
    public async Task SwitchDatabaseAsync(string databaseConnectionString)
    {
        await StopServiceAsync();
        DatabaseConnectionString = databaseConnectionString;
        await StartServiceAsync();
    }

    /// <summary>A new, migrated and seeded database.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<SmpkrDbContext>();
        SmpkrDbContext.Configure(options, dataSource);
        await using var db = new SmpkrDbContext(options.Options);
        await DataSetup.MigrateAndSeedAsync(db, TimeProvider.System, CancellationToken.None);
        return connectionString;
    }

    public HttpClient Client(string role, string? provider)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "benchmark", ["role"] = role };
        if (provider is not null)
        {
            claims["provider"] = provider;
        }

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            Expires = DateTime.UtcNow.AddHours(2),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(_key), SecurityAlgorithms.HmacSha256),
        });
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task StartServiceAsync()
    {
        var dll = Path.Combine(RepositoryRoot(), "src", "Smpkr.Api", "bin", "Release", "net10.0", "Smpkr.Api.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build first with 'dotnet build -c Release'.");
        }

        var port = PostgresProvisioner.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        start.Environment["ConnectionStrings__Smpkr"] = DatabaseConnectionString;
        start.Environment["Https__Redirect"] = "false";
        start.Environment["RateLimiting__OpenData__PermitLimit"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Authentication__Schemes__Bearer__ValidIssuer"] = Issuer;
        start.Environment["Authentication__Schemes__Bearer__ValidAudiences__0"] = Audience;
        start.Environment["Authentication__Schemes__Bearer__SigningKeys__0__Issuer"] = Issuer;
        start.Environment["Authentication__Schemes__Bearer__SigningKeys__0__Value"] = Convert.ToBase64String(_key);
        _service = Process.Start(start) ?? throw new InvalidOperationException("Could not start the service.");
        _service.OutputDataReceived += (_, e) => { };
        _service.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  service: {e.Data}"); } };
        _service.BeginOutputReadLine();
        _service.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = BaseAddress };
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    await WaitForSearchMemoryAsync(probe);
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("The service did not become ready within 20 s.");
    }

    /// <summary>
    /// Waits until the service's search entries are in memory (its readiness report says so), so that
    /// searches are measured as a replica serves them once warm, and prints how long loading took.
    /// </summary>
    private static async Task WaitForSearchMemoryAsync(HttpClient probe)
    {
        var clock = Stopwatch.StartNew();
        // The entries load when the first search that needs them arrives.
        (await probe.GetAsync("/open/v1/programmes?total=true")).EnsureSuccessStatusCode();
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            var report = System.Text.Json.JsonDocument.Parse(await probe.GetStringAsync("/health/ready"));
            var search = report.RootElement.GetProperty("checks").GetProperty("search");
            if (search.GetProperty("data").GetProperty("inMemory").GetBoolean())
            {
                Console.WriteLine($"  search entries in memory after {clock.Elapsed.TotalSeconds:F1} s more: {search.GetProperty("description").GetString()}");
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("The service's search entries were not in memory within 10 minutes.");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Smpkr.Api.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Smpkr.Api.sln not found above the benchmark.");
    }

    private async Task StopServiceAsync()
    {
        if (_service is { HasExited: false })
        {
            _service.Kill(entireProcessTree: true);
            await _service.WaitForExitAsync();
        }

        _service?.Dispose();
        _service = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopServiceAsync();
        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
