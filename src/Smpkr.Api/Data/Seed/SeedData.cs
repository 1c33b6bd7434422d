using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Smpkr.Api.Data.Seed;

/// <summary>Seed files embedded in the service, and the record of which version of each seed was applied.</summary>
internal static class SeedData
{
    /// <summary>Embedded files whose logical names start with <paramref name="prefix"/>, by the rest of the name.</summary>
    public static SortedDictionary<string, string> Read(string prefix)
    {
        var assembly = typeof(SeedData).Assembly;
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            files[name[prefix.Length..]] = reader.ReadToEnd();
        }

        return files;
    }

    public static string Hash(SortedDictionary<string, string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, content) in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name));
            sha.AppendData(Encoding.UTF8.GetBytes(content));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static async Task<bool> IsAppliedAsync(SmpkrDbContext db, string name, string hash, CancellationToken cancellationToken) =>
        await db.SeedRuns.AsNoTracking().AnyAsync(s => s.Name == name && s.ContentHash == hash, cancellationToken);

    public static Task MarkAppliedAsync(SmpkrDbContext db, string name, string hash, TimeProvider clock, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO seed_runs (name, content_hash, applied_at) VALUES ({name}, {hash}, {clock.GetUtcNow()})
            ON CONFLICT (name) DO UPDATE SET content_hash = excluded.content_hash, applied_at = excluded.applied_at
            """,
            cancellationToken);
}
