using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;

namespace Smpkr.Api.Tests.Deploy;

/// <summary>
/// A configuration source, added last so that every lookup asks it first, that records each key the
/// service looks up and holds no value. It lists <paramref name="candidates"/> as child keys, so a
/// binder that enumerates a section (arrays, dictionaries) looks them up too.
/// </summary>
internal sealed class ConfigurationReads(IReadOnlyCollection<string> candidates) : IConfigurationSource
{
    private readonly ConcurrentDictionary<string, byte> _read = new(StringComparer.OrdinalIgnoreCase);

    public bool WasRead(string key) => _read.ContainsKey(key);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Recorder(this);

    private sealed class Recorder(ConfigurationReads reads) : ConfigurationProvider
    {
        public override bool TryGet(string key, out string? value)
        {
            reads._read.TryAdd(key, 0);
            value = null;
            return false;
        }

        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
        {
            var prefix = parentPath is null ? string.Empty : parentPath + ConfigurationPath.KeyDelimiter;
            var children = reads.Candidates
                .Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && k.Length > prefix.Length)
                .Select(k => k[prefix.Length..].Split(ConfigurationPath.KeyDelimiter)[0]);
            return earlierKeys.Concat(children).Order(ConfigurationKeyComparer.Instance);
        }
    }

    private IReadOnlyCollection<string> Candidates => candidates;
}
