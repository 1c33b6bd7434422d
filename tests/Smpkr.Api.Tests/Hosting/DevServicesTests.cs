using Npgsql;
using Smpkr.Api.Hosting.DevServices;

namespace Smpkr.Api.Tests.Hosting;

/// <summary>The run command's persistent local cluster keeps its data and port between runs.</summary>
public sealed class DevServicesTests
{
    [Test]
    public async Task A_persistent_cluster_keeps_its_data_across_a_restart()
    {
        var binaries = PostgresBinaries.Find();
        Assume.That(binaries, Is.Not.Null, "needs local PostgreSQL server binaries");
        var folder = Path.Combine(Path.GetTempPath(), "smpkr-devservices-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string first;
            await using (var cluster = await LocalPostgresCluster.StartPersistentAsync(binaries!, folder, CancellationToken.None))
            {
                first = cluster.ServerConnectionString;
                await ExecuteAsync(first, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");
            }

            Assert.That(async () => await ExecuteAsync(first, "SELECT 1"), Throws.InstanceOf<NpgsqlException>(), "disposing stops the server");

            await using (var again = await LocalPostgresCluster.StartPersistentAsync(binaries!, folder, CancellationToken.None))
            {
                Assert.That(again.ServerConnectionString, Is.EqualTo(first), "same port and password");
                Assert.That(await ExecuteAsync(again.ServerConnectionString, "SELECT value FROM kept"), Is.EqualTo("still here"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<object?> ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
