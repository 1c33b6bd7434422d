using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Smpkr.Api.Hosting;
using static Smpkr.Api.Tests.Deploy.Manifests;

namespace Smpkr.Api.Tests.Deploy;

/// <summary>
/// The container image, compose file and Kubernetes manifests agree with the service: the port it
/// listens on, probe paths that answer, environment variables it reads, the migrate command, the
/// database services the connection strings name, and no secret value committed. (No Docker engine
/// or cluster runs here: this checks the files, and the service they describe.)
/// </summary>
public sealed partial class ManifestTests
{
    private const string Cluster = "smpkr-db";

    /// <summary>Read by the host before the application's configuration exists, or by Kestrel, which the test server replaces.</summary>
    private static readonly HashSet<string> HostSettings = new(StringComparer.OrdinalIgnoreCase) { "ENVIRONMENT", "HTTP_PORTS", "HTTPS_PORTS", "URLS" };

    public static readonly string[] Kustomizations = ["k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"];

    private ConfigurationReads _reads = null!;
    private SmpkrApp _app = null!;
    private string _database = string.Empty;
    private readonly Dictionary<string, HttpStatusCode> _probeAnswers = [];

    [OneTimeSetUp]
    public async Task StartTheServiceAndWatchWhatItReads()
    {
        var candidates = Kustomizations.SelectMany(k => ApiEnvironment(Render(Path.Combine(DeployFolder, k))).Keys)
            .Concat(ComposeEnvironment().Keys)
            .Select(ConfigurationKey).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        _reads = new ConfigurationReads(candidates);
        _database = await TestDatabase.CreateDatabaseAsync();
        _app = new SmpkrApp(_database,
            new Dictionary<string, string?>
            {
                // Switched on, so that what is read only then is read: telemetry, the open-data rate limit.
                [Telemetry.OtlpEndpointSetting] = "http://127.0.0.1:9",
                ["RateLimiting:OpenData:PermitLimit"] = "1000",
            },
            host: web => web.ConfigureAppConfiguration((_, configuration) => configuration.Add(_reads)));

        // Enough traffic to make the service read what it reads lazily: health, open data, the register API.
        foreach (var path in new[] { "/health/live", "/health/ready", "/open/v1/classifiers", "/open/v1/status" })
        {
            _probeAnswers[path] = (await _app.ClientWith(null).GetAsync(path)).StatusCode;
        }

        var list = await _app.ClientWith(TestTokens.Registrar()).GetAsync("/api/v1/programmes");
        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _app.DisposeAsync();
        await TestDatabase.DropDatabaseAsync(_database);
    }

    [Test]
    public void Every_yaml_file_parses_and_every_kubernetes_document_names_its_kind()
    {
        var files = YamlFiles().ToList();
        Assert.That(files.Select(f => Path.GetRelativePath(DeployFolder, f)), Does.Contain("compose.yaml").And.Contain(Path.Combine("k8s", "base", "deployment.yaml")));
        foreach (var file in files.Where(f => f.Contains($"{Path.DirectorySeparatorChar}k8s{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            foreach (var document in LoadAll(file))
            {
                Assert.That(document?["apiVersion"], Is.Not.Null, file);
                Assert.That(document?["kind"], Is.Not.Null, file);
                if ((string?)document!["kind"] != "Kustomization")
                {
                    Assert.That((string?)document["metadata"]?["name"], Is.Not.Empty, file);
                }
            }
        }
    }

    [TestCaseSource(nameof(Kustomizations))]
    public void The_rendering_here_is_what_kubectl_renders(string kustomization)
    {
        if (!OnPath("kubectl"))
        {
            Assert.Ignore("kubectl is not installed: the overlays are checked as rendered by this test's own Kustomize subset only.");
        }

        var start = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(DeployFolder, kustomization)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), error);

        var theirs = Parse(output).Select(d => d!.AsObject()).ToDictionary(Key);
        var ours = Render(Path.Combine(DeployFolder, kustomization)).ToDictionary(Key);
        Assert.That(ours.Keys, Is.EquivalentTo(theirs.Keys));
        foreach (var (key, resource) in ours)
        {
            Assert.That(JsonNode.DeepEquals(Stringified(resource), Stringified(theirs[key])), Is.True,
                $"{key} differs:\nours   {Stringified(resource)!.ToJsonString()}\nkubectl {Stringified(theirs[key])!.ToJsonString()}");
        }
    }

    [TestCaseSource(nameof(Kustomizations))]
    public void The_deployment_listens_where_the_image_does_and_probes_paths_that_answer(string kustomization)
    {
        var resources = Render(Path.Combine(DeployFolder, kustomization));
        var deployment = Single(resources, "Deployment", "smpkr-api");
        var api = Containers(deployment).Single();
        var http = Items(api["ports"]).Single(p => (string?)p["name"] == "http");

        Assert.That((long)http["containerPort"]!, Is.EqualTo(ImagePort()));
        Assert.Multiple(() =>
        {
            Assert.That((string?)api["readinessProbe"]!["httpGet"]!["path"], Is.EqualTo("/health/ready"));
            Assert.That((string?)api["livenessProbe"]!["httpGet"]!["path"], Is.EqualTo("/health/live"));
            foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" }.Where(p => api[p] is not null))
            {
                var get = api[probe]!["httpGet"]!;
                Assert.That((string?)get["port"], Is.EqualTo("http"), probe);
                Assert.That(_probeAnswers.GetValueOrDefault((string)get["path"]!), Is.EqualTo(HttpStatusCode.OK), $"{probe} {get["path"]} answers on the service");
            }
        });

        var service = Single(resources, "Service", "smpkr-api");
        var ingress = Single(resources, "Ingress", "smpkr-api");
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(Items(service["spec"]!["ports"]).Select(p => (string?)p["targetPort"]), Does.Contain("http"));
            Assert.That(Selects(service["spec"]!["selector"]!.AsObject(), podLabels), Is.True, "the Service selects the API pods");
            var backend = Items(ingress["spec"]!["rules"]).Single()["http"]!["paths"]![0]!["backend"]!["service"]!;
            Assert.That((string?)backend["name"], Is.EqualTo("smpkr-api"));
            Assert.That(Items(service["spec"]!["ports"]).Select(p => (string?)p["name"]), Does.Contain((string?)backend["port"]!["name"]));
        });
    }

    [TestCaseSource(nameof(Kustomizations))]
    public void The_deployment_is_replicated_bounded_and_locked_down(string kustomization)
    {
        var resources = Render(Path.Combine(DeployFolder, kustomization));
        var deployment = Single(resources, "Deployment", "smpkr-api");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var api = Containers(deployment).Single();
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var hpa = Single(resources, "HorizontalPodAutoscaler", "smpkr-api");
        var pdb = Single(resources, "PodDisruptionBudget", "smpkr-api");
        var replicas = (long)deployment["spec"]!["replicas"]!;

        Assert.Multiple(() =>
        {
            Assert.That(replicas, Is.GreaterThanOrEqualTo(2));
            Assert.That((long)hpa["spec"]!["minReplicas"]!, Is.GreaterThanOrEqualTo(2).And.LessThanOrEqualTo((long)hpa["spec"]!["maxReplicas"]!));
            Assert.That((string?)hpa["spec"]!["scaleTargetRef"]!["name"], Is.EqualTo("smpkr-api"));
            Assert.That((long)pdb["spec"]!["minAvailable"]!, Is.LessThan(replicas), "a drain can always evict one pod");
            Assert.That(Selects(pdb["spec"]!["selector"]!["matchLabels"]!.AsObject(), podLabels), Is.True, "the PDB selects the API pods");
            Assert.That(api["resources"]?["requests"]?["cpu"], Is.Not.Null);
            Assert.That(api["resources"]?["requests"]?["memory"], Is.Not.Null);
            Assert.That(api["resources"]?["limits"]?["memory"], Is.Not.Null);
            Assert.That((bool?)pod["securityContext"]!["runAsNonRoot"], Is.True);
            Assert.That((bool?)api["securityContext"]!["readOnlyRootFilesystem"], Is.True);
            Assert.That((bool?)api["securityContext"]!["allowPrivilegeEscalation"], Is.False);
            Assert.That(Strings(api["securityContext"]!["capabilities"]!["drop"]), Does.Contain("ALL"));
            Assert.That(Items(api["volumeMounts"]).Select(m => (string?)m["mountPath"]), Does.Contain("/tmp"), "a writable /tmp on a read-only root");
            Assert.That(Items(pod["topologySpreadConstraints"]).Select(c => (string?)c["topologyKey"]), Does.Contain("topology.kubernetes.io/zone"));
            Assert.That(resources.Where(r => IsA(r, "NetworkPolicy")).SelectMany(p => Items(p["spec"]!["ingress"]))
                .SelectMany(rule => Items(rule["ports"])).Select(p => (long?)p["port"]), Does.Contain(ImagePort()), "a NetworkPolicy lets requests reach the API's port");
        });
    }

    [TestCaseSource(nameof(Kustomizations))]
    public void Migrations_run_as_the_owner_on_the_primary_and_open_data_reads_on_the_replicas(string kustomization)
    {
        var resources = Render(Path.Combine(DeployFolder, kustomization));
        var api = Containers(Single(resources, "Deployment", "smpkr-api")).Single();
        var migrate = Containers(Single(resources, "Job", "smpkr-migrate")).Single();
        var cluster = Single(resources, "Cluster", Cluster);
        var owner = (string)cluster["spec"]!["bootstrap"]!["initdb"]!["owner"]!;
        var appRole = (string)Items(cluster["spec"]!["managed"]!["roles"]).Single()["name"]!;

        Assert.Multiple(() =>
        {
            Assert.That((string?)migrate["image"], Is.EqualTo((string?)api["image"]), "the Job runs the release's own image");
            Assert.That(Strings(migrate["args"]), Is.EqualTo(new[] { MigrateCommand.Verb }));
            Assert.That(ConnectionPart(Env(migrate)["ConnectionStrings__Smpkr"], "Host"), Is.EqualTo($"{Cluster}-rw"));
            Assert.That(ConnectionPart(Env(migrate)["ConnectionStrings__Smpkr"], "Username"), Is.EqualTo(owner));
            Assert.That(ConnectionPart(Env(api)["ConnectionStrings__Smpkr"], "Host"), Is.EqualTo($"{Cluster}-rw"));
            Assert.That(ConnectionPart(Env(api)["ConnectionStrings__Smpkr"], "Username"), Is.EqualTo(appRole));
            Assert.That(ConnectionPart(Env(api)["ConnectionStrings__SmpkrReadOnly"], "Host"), Is.EqualTo($"{Cluster}-ro"));
            Assert.That(ConnectionPart(Env(api)["ConnectionStrings__SmpkrReadOnly"], "Username"), Is.EqualTo(appRole));
            Assert.That(appRole, Is.EqualTo("smpkr_app"), "the role deploy/database/grants.sql grants to");
            Assert.That(owner, Is.EqualTo("smpkr_owner"), "the role deploy/database/roles.sql creates as the owner");
            Assert.That((long)cluster["spec"]!["instances"]!, Is.GreaterThanOrEqualTo(2), "the -ro service needs a replica");
            Assert.That(cluster["spec"]!["backup"]?["barmanObjectStore"]?["destinationPath"], Is.Not.Null);
            Assert.That((string?)Single(resources, "ScheduledBackup", "smpkr-db-nightly")["spec"]!["cluster"]!["name"], Is.EqualTo(Cluster));
        });
        if (kustomization != "k8s/overlays/dev")
        {
            Assert.That((long)cluster["spec"]!["instances"]!, Is.EqualTo(3), "a primary and two replicas");
        }
    }

    [TestCaseSource(nameof(Kustomizations))]
    public void Every_environment_variable_of_the_service_is_one_it_reads(string kustomization)
    {
        var unknown = ApiEnvironment(Render(Path.Combine(DeployFolder, kustomization))).Keys.Where(name => !Reads(name)).ToList();
        Assert.That(unknown, Is.Empty, "set in the manifests but never read by the service");
    }

    [Test]
    public void The_check_of_environment_variables_can_fail()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Reads("Database__MigrateOnStartup"), Is.True);
            Assert.That(Reads("ConnectionStrings__Smpkr"), Is.True);
            Assert.That(Reads("ConnectionStrings__SmpkrReadOnly"), Is.True);
            Assert.That(Reads("Database__MigrateOnStart"), Is.False);
            Assert.That(Reads("RateLimiting__OpenData__Permits"), Is.False);
        });
    }

    [Test]
    public void Compose_runs_the_migration_before_the_service_on_the_image_port()
    {
        var compose = LoadOne(Path.Combine(DeployFolder, "compose.yaml"));
        var services = compose["services"]!.AsObject();
        var api = services["api"]!;
        var migrate = services["migrate"]!;
        var db = services["db"]!;

        Assert.Multiple(() =>
        {
            Assert.That((string?)migrate["build"]!["dockerfile"], Is.EqualTo("deploy/docker/Dockerfile"));
            Assert.That(File.Exists(Path.Combine(DeployFolder, (string)migrate["build"]!["context"]!, (string)migrate["build"]!["dockerfile"]!)), Is.True);
            Assert.That((string?)api["image"], Is.EqualTo((string?)migrate["image"]));
            Assert.That(JsonNode.DeepEquals(api["build"], migrate["build"]), Is.True, "both build the one image");
            Assert.That(Strings(migrate["command"]), Is.EqualTo(new[] { MigrateCommand.Verb }));
            Assert.That((string?)api["depends_on"]!["migrate"]!["condition"], Is.EqualTo("service_completed_successfully"));
            Assert.That((string?)migrate["depends_on"]!["db"]!["condition"], Is.EqualTo("service_healthy"));
            Assert.That(Strings(api["ports"]).Single(), Does.EndWith($":{ImagePort()}"));
            Assert.That((string?)db["image"], Is.EqualTo("postgres:15"));
            var volume = Strings(db["volumes"]).First(v => v.EndsWith(":/var/lib/postgresql/data", StringComparison.Ordinal)).Split(':')[0];
            Assert.That(compose["volumes"]!.AsObject().ContainsKey(volume), Is.True, "the database's data is on a named volume");
            Assert.That(ConnectionPart(ComposeEnvironment("migrate")["ConnectionStrings__Smpkr"], "Username"), Is.EqualTo("smpkr_owner"));
            Assert.That(ConnectionPart(ComposeEnvironment("api")["ConnectionStrings__Smpkr"], "Username"), Is.EqualTo("smpkr_app"));
            foreach (var name in ComposeEnvironment().Keys)
            {
                Assert.That(Reads(name), Is.True, $"compose sets {name}, which the service never reads");
            }
        });
    }

    [Test]
    public void No_secret_value_is_committed()
    {
        var problems = new List<string>();
        foreach (var file in YamlFiles())
        {
            var relative = Path.GetRelativePath(DeployFolder, file);
            foreach (var text in LoadAll(file).SelectMany(Texts))
            {
                foreach (Match password in PasswordValue().Matches(text))
                {
                    if (!password.Groups["value"].Value.StartsWith("$(", StringComparison.Ordinal) && !password.Groups["value"].Value.StartsWith("${", StringComparison.Ordinal))
                    {
                        problems.Add($"{relative}: a password written out ({password.Value[..Math.Min(12, password.Value.Length)]}…)");
                    }
                }
            }

            foreach (var document in LoadAll(file).OfType<JsonObject>())
            {
                if ((string?)document["kind"] == "Secret" && (document["data"] is not null || document["stringData"] is not null))
                {
                    problems.Add($"{relative}: Secret {document["metadata"]?["name"]} with values");
                }

                foreach (var container in Containers(document))
                {
                    var fromSecrets = Items(container["env"]).Where(e => e["valueFrom"]?["secretKeyRef"] is not null).Select(e => (string)e["name"]!).ToHashSet();
                    foreach (var env in Items(container["env"]))
                    {
                        var name = (string)env["name"]!;
                        if (SecretName().IsMatch(name) && !fromSecrets.Contains(name))
                        {
                            problems.Add($"{relative}: {name} is not taken from a Secret");
                        }

                        foreach (Match reference in PasswordValue().Matches((string?)env["value"] ?? string.Empty))
                        {
                            var variable = reference.Groups["value"].Value.Trim('$', '(', ')');
                            if (!fromSecrets.Contains(variable))
                            {
                                problems.Add($"{relative}: {name} takes its password from {variable}, which is not from a Secret");
                            }
                        }
                    }
                }

                if ((string?)document["kind"] == "ConfigMap")
                {
                    problems.AddRange(document["data"]!.AsObject().Where(d => SecretName().IsMatch(d.Key)).Select(d => $"{relative}: ConfigMap key {d.Key} looks secret"));
                }
            }
        }

        foreach (var (service, values) in ComposeServices().Select(s => (s, ComposeEnvironment(s))))
        {
            problems.AddRange(values.Where(v => SecretName().IsMatch(v.Key) && !v.Value.StartsWith("${", StringComparison.Ordinal))
                .Select(v => $"compose.yaml: {service} sets {v.Key} to a value, not from the environment"));
        }

        Assert.That(problems, Is.Empty);
    }

    [TestCaseSource(nameof(Kustomizations))]
    public void ConfigMap_values_are_strings(string kustomization)
    {
        foreach (var map in Render(Path.Combine(DeployFolder, kustomization)).Where(r => IsA(r, "ConfigMap")))
        {
            foreach (var (key, value) in map["data"]!.AsObject())
            {
                Assert.That(value?.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String), $"{kustomization}: ConfigMap {map["metadata"]!["name"]} {key} must be quoted");
            }
        }
    }

    /// <summary>The environment the API and the migration Job get: env entries and the keys of ConfigMaps they take whole.</summary>
    private static Dictionary<string, string> ApiEnvironment(List<JsonObject> resources)
    {
        var environment = new Dictionary<string, string>();
        foreach (var workload in resources.Where(r => IsA(r, "Deployment", "smpkr-api") || IsA(r, "Job", "smpkr-migrate")))
        {
            foreach (var container in Containers(workload))
            {
                var env = Env(container);
                // A variable that only composes another (a password inside a connection string) is Kubernetes' to read.
                var composing = env.Keys.Where(name => env.Values.Any(v => v.Contains($"$({name})", StringComparison.Ordinal))).ToHashSet();
                foreach (var (name, value) in env.Where(e => !composing.Contains(e.Key)))
                {
                    environment[name] = value;
                }

                foreach (var from in Items(container["envFrom"]))
                {
                    var map = Single(resources, "ConfigMap", (string)from["configMapRef"]!["name"]!);
                    foreach (var (key, value) in map["data"]!.AsObject())
                    {
                        environment[key] = value?.ToString() ?? string.Empty;
                    }
                }
            }
        }

        return environment;
    }

    private static Dictionary<string, string> Env(JsonObject container) =>
        Items(container["env"]).ToDictionary(e => (string)e["name"]!, e => (string?)e["value"] ?? "(from a reference)");

    private static IEnumerable<string> ComposeServices() => LoadOne(Path.Combine(DeployFolder, "compose.yaml"))["services"]!.AsObject().Select(s => s.Key);

    /// <summary>The environment compose gives the services that run the service's image (all of them when <paramref name="service"/> is null).</summary>
    private static Dictionary<string, string> ComposeEnvironment(string? service = null)
    {
        var services = LoadOne(Path.Combine(DeployFolder, "compose.yaml"))["services"]!.AsObject();
        var image = (string?)services["api"]!["image"];
        var environment = new Dictionary<string, string>();
        foreach (var (name, definition) in services.Where(s => service is null ? (string?)s.Value!["image"] == image : s.Key == service))
        {
            if (service is null && name == "db")
            {
                continue;
            }

            foreach (var (key, value) in definition!["environment"]?.AsObject() ?? [])
            {
                environment[key] = value?.ToString() ?? string.Empty;
            }
        }

        return environment;
    }

    private bool Reads(string environmentVariable)
    {
        var key = ConfigurationKey(environmentVariable);
        return _reads.WasRead(key) || HostSettings.Contains(key);
    }

    /// <summary>The configuration key an environment variable becomes (<c>__</c> → <c>:</c>; the host's prefixes dropped).</summary>
    private static string ConfigurationKey(string environmentVariable)
    {
        var name = environmentVariable;
        foreach (var prefix in new[] { "ASPNETCORE_", "DOTNET_" })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..];
            }
        }

        return name.Replace("__", ":", StringComparison.Ordinal);
    }

    private static long ImagePort()
    {
        var dockerfile = File.ReadAllText(Path.Combine(DeployFolder, "docker", "Dockerfile"));
        var listens = long.Parse(Regex.Match(dockerfile, @"ASPNETCORE_HTTP_PORTS=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var exposed = long.Parse(Regex.Match(dockerfile, @"(?m)^EXPOSE (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(exposed, Is.EqualTo(listens), "the Dockerfile exposes the port the service listens on");
        Assert.That(dockerfile, Does.Contain($"/dev/tcp/127.0.0.1/{listens}").And.Contain("/health/live"), "the HEALTHCHECK asks the liveness endpoint on that port");
        return listens;
    }

    private static string? ConnectionPart(string connectionString, string keyword) =>
        connectionString.Split(';').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0].Trim().Equals(keyword, StringComparison.OrdinalIgnoreCase))?[1];

    private static bool Selects(JsonObject selector, JsonObject labels) =>
        selector.All(s => labels[s.Key]?.ToString() == s.Value?.ToString());

    private static string Key(JsonObject resource) => $"{resource["kind"]}/{resource["metadata"]!["name"]}";

    /// <summary>Scalars as strings: kubectl prints some plain scalars that this parser types (and the reverse).</summary>
    private static JsonNode? Stringified(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Stringified(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Stringified).ToArray()),
        null => null,
        _ => JsonValue.Create(node.ToString()),
    };

    /// <summary>Every string in a document (keys and values; comments are not part of a document).</summary>
    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Texts(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(Texts),
        null => [],
        _ => [node.ToString()],
    };

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, program)));

    [GeneratedRegex(@"Password=(?<value>[^;""\s]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordValue();

    [GeneratedRegex(@"PASSWORD|SECRET|TOKEN|SigningKeys__\d+__Value", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
