using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Smpkr.Harvester;

/// <summary>
/// A local copy of the published register: one JSON Lines file per object type (one record per line,
/// by code) and <c>state.json</c> with the feed cursor the files are consistent with. Files are
/// replaced atomically (written aside, then renamed) and the state last, so a harvester killed at any
/// moment restarts from a cursor its files are at or past; replaying entries is harmless because each
/// entry carries the whole record.
/// </summary>
public sealed class Mirror
{
    private readonly string _folder;
    private readonly Dictionary<string, SortedDictionary<string, string>> _types = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);

    private Mirror(string folder, string? cursor)
    {
        _folder = folder;
        Cursor = cursor;
    }

    /// <summary>The feed cursor the mirror has applied; null before the first snapshot.</summary>
    public string? Cursor { get; private set; }

    public IReadOnlyDictionary<string, SortedDictionary<string, string>> Types => _types;

    public int Count(string type) => _types.TryGetValue(type, out var records) ? records.Count : 0;

    public static Mirror Open(string folder)
    {
        Directory.CreateDirectory(folder);
        var statePath = Path.Combine(folder, "state.json");
        var cursor = File.Exists(statePath) ? JsonNode.Parse(File.ReadAllText(statePath))?["cursor"]?.GetValue<string>() : null;
        var mirror = new Mirror(folder, cursor);
        if (cursor is null)
        {
            return mirror;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.jsonl"))
        {
            var type = Path.GetFileNameWithoutExtension(file);
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
            {
                mirror.Put(type, JsonNode.Parse(line)!["code"]!.GetValue<string>(), line);
            }
        }

        mirror._dirty.Clear();
        return mirror;
    }

    /// <summary>Starts again from a snapshot: forgets everything held.</summary>
    public void Reset()
    {
        foreach (var type in _types.Keys)
        {
            _dirty.Add(type);
        }

        _types.Clear();
        Cursor = null;
    }

    public void Put(string type, string code, string record)
    {
        if (!_types.TryGetValue(type, out var records))
        {
            _types[type] = records = new SortedDictionary<string, string>(StringComparer.Ordinal);
        }

        records[code] = record;
        _dirty.Add(type);
    }

    public void Remove(string type, string code)
    {
        if (_types.TryGetValue(type, out var records) && records.Remove(code))
        {
            _dirty.Add(type);
        }
    }

    /// <summary>Writes the changed types' files, then the cursor.</summary>
    public void Save(string cursor)
    {
        foreach (var type in _dirty)
        {
            var path = Path.Combine(_folder, type + ".jsonl");
            var aside = path + ".tmp";
            using (var file = new StreamWriter(aside, false, new UTF8Encoding(false)))
            {
                foreach (var record in _types.TryGetValue(type, out var records) ? records.Values : Enumerable.Empty<string>())
                {
                    file.Write(record);
                    file.Write('\n');
                }
            }

            File.Move(aside, path, overwrite: true);
        }

        _dirty.Clear();
        var state = Path.Combine(_folder, "state.json");
        File.WriteAllText(state + ".tmp", JsonSerializer.Serialize(new { cursor }));
        File.Move(state + ".tmp", state, overwrite: true);
        Cursor = cursor;
    }
}
