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
    /// <param name="startService">False leaves starting the service to the caller (<see cref="StartServiceAsync"/>).</param>
    public static async Task<BenchmarkHost> StartAsync(Func<string, Task>? prepare = null, bool startService = true)
    {
        var host = new BenchmarkHost();
        host._postgres = await PostgresProvisioner.ProvisionAsync(null, line => Console.WriteLine($"  {line}"), CancellationToken.None);
        host.ServerConnectionString = host._postgres.ServerConnectionString;
        host.DatabaseConnectionString = await host.CreateDatabaseAsync("smpkr_bench");
        if (prepare is not null)
        {
            await prepare(host.DatabaseConnectionString);
        }

        if (startService)
        {
            await host.StartServiceAsync();
        }

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

    /// <summary>
    /// Starts the service from its Release build and waits until <c>/health/ready</c> answers 200.
    /// Returns the time from starting the process to that answer (probed every 10 ms).
    /// </summary>
    /// <param name="environment">More settings for the process (e.g. <c>Database__MigrateOnStartup</c>).</param>
    /// <param name="loadSearch">Also wait until the search entries are in memory (as the read benchmarks do).</param>
    public async Task<TimeSpan> StartServiceAsync(IReadOnlyDictionary<string, string>? environment = null, bool loadSearch = true)
    {
        var dll = Path.Combine(RepositoryRoot(), "src", "Smpkr.Api", "bin", "Release", "net10.0", "Smpkr.Api.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build first with 'dotnet build -c Release'.");
        }

        var port = PostgresProvisioner.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [dll]) { WorkingDirectory = Path.GetDirectoryName(dll)! };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

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
        var clock = Stopwatch.StartNew();
        _service = Launch(start, "service");
        var ready = await WaitUntilReadyAsync(BaseAddress, clock, "The service");
        if (loadSearch)
        {
            using var probe = new HttpClient { BaseAddress = BaseAddress };
            await WaitForSearchMemoryAsync(probe);
        }

        return ready;
    }

    /// <summary>Starts a process whose standard error is echoed with a prefix (its output is read and dropped).</summary>
    public static Process Launch(ProcessStartInfo start, string name)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {name}.");
        process.OutputDataReceived += (_, e) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  {name}: {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Probes <c>/health/ready</c> every 10 ms until it answers 200; returns the clock's time then.</summary>
    public static async Task<TimeSpan> WaitUntilReadyAsync(Uri address, Stopwatch clock, string name)
    {
        using var probe = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(5),
        };
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await probe.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(10);
        }

        throw new InvalidOperationException($"{name} did not become ready within 60 s.");
    }

    /// <summary>
    /// Waits until the service's search entries are in memory (its readiness report says so), so that
    /// searches are measured as a replica serves them once warm; prints and returns how long loading took.
    /// </summary>
    public static async Task<TimeSpan> WaitForSearchMemoryAsync(HttpClient probe)
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
                return clock.Elapsed;
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

    public async Task StopServiceAsync()
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
