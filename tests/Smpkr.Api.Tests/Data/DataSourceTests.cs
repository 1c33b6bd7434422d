using Npgsql;
using Smpkr.Api.Data;

namespace Smpkr.Api.Tests.Data;

/// <summary>
/// The service's data sources: a pooled connection is reused without Npgsql's reset statement (the
/// service keeps no session state) unless the connection string asks for it, and statements are
/// prepared on the server unless the connection string or the caller says otherwise.
/// </summary>
public sealed class DataSourceTests
{
    // One physical connection, so that the second open is the first connection again.
    private static string Server(string extra = "") => TestDatabase.ServerConnectionString + ";Maximum Pool Size=1" + extra;

    [Test]
    public async Task A_pooled_connection_is_reused_without_a_reset()
    {
        await using var source = DataSetup.Build(Server(), "test", prepared: true);

        Assert.That(await SettingAfterReuseAsync(source), Is.EqualTo("kept"), "the session setting should survive: no reset statement ran");
    }

    [Test]
    public async Task The_connection_string_can_ask_for_the_reset()
    {
        await using var source = DataSetup.Build(Server(";No Reset On Close=false"), "test", prepared: true);

        Assert.That(await SettingAfterReuseAsync(source), Is.Empty, "Npgsql's reset (RESET ALL) should have cleared the setting");
    }

    [Test]
    public async Task Statements_are_prepared_unless_the_connection_string_or_the_caller_says_otherwise()
    {
        Assert.Multiple(async () =>
        {
            Assert.That(await PreparedAfterRepeatsAsync(DataSetup.Build(Server(), "test", prepared: true)), Is.True);
            Assert.That(await PreparedAfterRepeatsAsync(DataSetup.Build(Server(";Max Auto Prepare=0"), "test", prepared: true)), Is.False);
            Assert.That(await PreparedAfterRepeatsAsync(DataSetup.Build(Server(), "test", prepared: false)), Is.False);
        });
    }

    private static async Task<string> SettingAfterReuseAsync(NpgsqlDataSource source)
    {
        await using (var first = await source.OpenConnectionAsync())
        {
            await using var set = new NpgsqlCommand("SET smpkr_test.probe = 'kept'", first);
            await set.ExecuteNonQueryAsync();
        }

        await using var second = await source.OpenConnectionAsync();
        await using var show = new NpgsqlCommand("SELECT current_setting('smpkr_test.probe', true)", second);
        return (string?)await show.ExecuteScalarAsync() ?? string.Empty;
    }

    private static async Task<bool> PreparedAfterRepeatsAsync(NpgsqlDataSource source)
    {
        await using (source)
        {
            await using var connection = await source.OpenConnectionAsync();
            for (var i = 0; i < 5; i++)
            {
                await using var command = new NpgsqlCommand("SELECT 1 + $1", connection);
                command.Parameters.Add(new() { Value = i });
                await command.ExecuteScalarAsync();
            }

            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT 1 + $1%'", connection);
            return (long)(await count.ExecuteScalarAsync())! > 0;
        }
    }
}
