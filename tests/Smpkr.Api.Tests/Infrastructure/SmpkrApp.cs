using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Smpkr.Api.Tests;

/// <summary>The service as it runs, over a given database, trusting <see cref="TestTokens"/>.</summary>
public sealed class SmpkrApp(
    string connectionString,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null,
    Action<IWebHostBuilder>? host = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Smpkr", connectionString);
        builder.UseSetting("Database:MigrateOnStartup", "false");
        builder.UseSetting("RateLimiting:OpenData:PermitLimit", "0");
        builder.UseSetting("Https:Redirect", "false");
        builder.UseSetting("Authentication:Schemes:Bearer:ValidIssuer", TestTokens.Issuer);
        builder.UseSetting("Authentication:Schemes:Bearer:ValidAudiences:0", TestTokens.Audience);
        builder.UseSetting("Authentication:Schemes:Bearer:SigningKeys:0:Issuer", TestTokens.Issuer);
        builder.UseSetting("Authentication:Schemes:Bearer:SigningKeys:0:Value", Convert.ToBase64String(TestTokens.SigningKey));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }

        host?.Invoke(builder);
    }

    /// <summary>A client that sends <paramref name="token"/> as its bearer token (none when null).</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}

/// <summary>A test class with its own database (a copy of the migrated, seeded template) and its own service.</summary>
public abstract class ApiTest
{
    protected SmpkrApp App { get; private set; } = null!;

    protected string ConnectionString { get; private set; } = string.Empty;

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    [OneTimeSetUp]
    public async Task StartApp()
    {
        ConnectionString = await TestDatabase.CreateDatabaseAsync();
        App = new SmpkrApp(ConnectionString, Settings, ConfigureServices);
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        await App.DisposeAsync();
        await TestDatabase.DropDatabaseAsync(ConnectionString);
    }

    protected HttpClient Anonymous() => App.ClientWith(null);

    /// <summary>Waits until the service's search entries are loaded into memory (in the background, once a search needs them).</summary>
    protected async Task WaitForSearchMemoryAsync()
    {
        var mirror = App.Services.GetRequiredService<Smpkr.Api.Search.SearchMirror>();
        (await Anonymous().GetAsync("/open/v1/programmes?total=true")).EnsureSuccessStatusCode();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!mirror.Ready && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        Assert.That(mirror.Ready, "the search entries are loaded into memory");
    }

    protected HttpClient Registrar() => App.ClientWith(TestTokens.Registrar());

    protected HttpClient Provider(string provider = TestTokens.ProviderCode) => App.ClientWith(TestTokens.Provider(provider));
}
