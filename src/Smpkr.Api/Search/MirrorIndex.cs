using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Smpkr.Api.Search;

/// <summary>One <c>search_entries</c> row as the mirror reads it (see <see cref="SearchMirror"/>).</summary>
internal sealed record MirrorRow(
    Guid RecordId, ulong WriteXid, string ObjectType, string? Kind, string Status, bool Published, string Owner, string[] Providers,
    string SortCode, string SortName, int SortNameLength, string? FieldGroup, string? StudyField, string[] IscedF, string[] IscedFPrefixes,
    string? LtksLevel, int? EqfLevel, string? Cycle, string? StudyType, string[] Languages, string[] Forms,
    DateOnly? RegisteredOn, DateOnly SortRegistered, DateTimeOffset ChangedAt, string[] Lexemes, string[] TitleLexemes);

/// <summary>How one search word reads in each text configuration: its Lithuanian and English stems and its simple (folded) form.</summary>
internal sealed record WordForms(string Word, string[] Lt, string[] En, string[] Simple, string Fold)
{
    /// <summary>
    /// True when every configuration reads the word as at most one lexeme, as a word of letters and digits
    /// always is; a word the parser splits in two becomes a phrase in PostgreSQL, which only the database answers.
    /// </summary>
    public bool Single => Lt.Length <= 1 && En.Length <= 1 && Simple.Length <= 1;
}

/// <summary>What the mirror found for one search: the page (one more than asked, with its keys), the total and the facet counts.</summary>
internal sealed record MirrorAnswer(List<Guid> Ids, List<object?> Keys, long Total, Dictionary<string, Dictionary<string, long>> Tallies, bool WordsFound);

/// <summary>
/// The search entries of one register in memory: each entry a document with its filter values, sort
/// keys and the lexemes of its text vectors; for each lexeme the documents that hold it (all of the
/// text, and code and names alone); and for each type, classification value, and for liveness and
/// publication, the set of documents that have it, one bit each. A search is answered here exactly as <see cref="RegisterSearch"/>'s
/// SQL answers it in exact mode — the same matches, scores, order, facets and total — by counting
/// in memory rather than reading every match from the table. Documents are only appended: a changed
/// entry becomes a new document and its old one is marked dead (the lists of documents stay sorted);
/// <see cref="SearchMirror"/> loads a fresh index when too many are dead.
/// Readers share a lock that a catch-up takes alone for the moment it applies its rows.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "An index replaced by a fresh load may still be read by searches under way; its lock holds no unmanaged resource until contended, and its wait handles are finalized with it.")]
internal sealed partial class MirrorIndex
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _valueIds = new(StringComparer.Ordinal);
    private readonly List<string> _values = [string.Empty];

    /// <summary>Sort names by id and ids by name: documents with the same name share one string, and relevance compares a name with the text by id.</summary>
    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
    private readonly List<string> _names = [string.Empty];
    private readonly Dictionary<Guid, int> _byRecord = [];
    private readonly Dictionary<string, Postings> _lexemes = new(StringComparer.Ordinal);
    private readonly List<string> _unsortedLexemes = [];
    private readonly List<int> _oddCodes = [];
    private readonly Dictionary<string, int[]> _arrays = new(StringComparer.Ordinal);
    private readonly HashSet<(Guid? Record, ulong Xid)> _removals = [];
    private readonly Bits _live = new();
    private readonly Bits _published = new();
    private readonly Dictionary<int, Bits> _types = [];
    private readonly Dictionary<int, List<int>> _unpublished = [];
    private readonly Dictionary<int, Bits>[] _columns = [.. Enum.GetValues<Column>().Select(_ => new Dictionary<int, Bits>())];
    private string[] _sortedLexemes = [];
    private Doc[] _docs = new Doc[1024];

    /// <summary>
    /// Each document's name length in characters (names are far shorter than 65 536), apart from the rest
    /// and small, so that scoring many matches reads little memory: one two-byte read per match.
    /// </summary>
    private ushort[] _nameLengths = new ushort[1024];

    /// <summary>What else places a document on a page: its id's head, read for the few matches that tie or beat the page's last, and its name's id, read when its name is as long as the text.</summary>
    private Ranking[] _rankings = new Ranking[1024];
    private int _count;

    /// <summary>Lexemes added since the sorted list was last built; beyond this many it is rebuilt.</summary>
    private const int MaxUnsortedLexemes = 512;

    /// <summary>The oldest transaction that may still commit rows this index has not seen (<c>pg_snapshot_xmin</c> of its last read).</summary>
    public ulong Watermark { get; private set; }

    /// <summary>When (<see cref="System.Diagnostics.Stopwatch"/> timestamp) the last catch-up that completed was started.</summary>
    public long CaughtUpFrom { get; set; }

    /// <summary>Entries in the index.</summary>
    public int Live => _byRecord.Count;

    /// <summary>Documents replaced by a newer version of their entry, or removed.</summary>
    public int Dead => _count - _byRecord.Count;

    /// <summary>Adds one row while the index is being loaded (before anyone searches it).</summary>
    public void Load(MirrorRow row) => Add(row);

    /// <summary>Ends a load: the snapshot's oldest running transaction, the removals it saw (nothing to remove from a fresh load), and the lexemes in order for prefix lookups.</summary>
    public void Loaded(ulong watermark, IEnumerable<(Guid? Record, ulong Xid)> removals)
    {
        _removals.UnionWith(removals);
        Watermark = watermark;
        _removals.RemoveWhere(r => r.Xid < watermark);
        SortLexemes();
        foreach (var postings in _lexemes.Values)
        {
            postings.Text.Trim();
            postings.Title.Trim();
        }
    }

    /// <summary>
    /// Applies what one catch-up read under one database snapshot whose oldest running transaction was
    /// <paramref name="watermark"/>: removals first, then the rows (a row written after its removal is
    /// in the table and comes back). False when the table was truncated since: the index must be loaded again.
    /// </summary>
    public bool CatchUp(ulong watermark, IReadOnlyList<(Guid? Record, ulong Xid)> removals, IReadOnlyList<MirrorRow> rows)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var removal in removals)
            {
                if (!_removals.Add(removal))
                {
                    continue;
                }

                if (removal.Record is not { } record)
                {
                    return false;
                }

                if (_byRecord.Remove(record, out var n))
                {
                    _live.Clear(n);
                }
            }

            foreach (var row in rows)
            {
                Add(row);
            }

            Watermark = watermark;
            // Removals older than every running transaction are never read again.
            _removals.RemoveWhere(r => r.Xid < watermark);
            if (_unsortedLexemes.Count > MaxUnsortedLexemes)
            {
                SortLexemes();
            }

            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void SortLexemes()
    {
        if (_unsortedLexemes.Count == 0)
        {
            return;
        }

        var all = new string[_sortedLexemes.Length + _unsortedLexemes.Count];
        _sortedLexemes.CopyTo(all, 0);
        _unsortedLexemes.CopyTo(all, _sortedLexemes.Length);
        Array.Sort(all, StringComparer.Ordinal);
        _sortedLexemes = all;
        _unsortedLexemes.Clear();
    }

    private void Add(MirrorRow row)
    {
        if (_byRecord.TryGetValue(row.RecordId, out var old))
        {
            if (_docs[old].WriteXid == row.WriteXid)
            {
                return;
            }

            _live.Clear(old);
        }

        if (_count == _docs.Length)
        {
            Array.Resize(ref _docs, _docs.Length * 2);
            Array.Resize(ref _nameLengths, _docs.Length);
            Array.Resize(ref _rankings, _docs.Length);
        }

        var n = _count++;
        var name = Name(row.SortName);
        Span<byte> id = stackalloc byte[16];
        row.RecordId.TryWriteBytes(id, bigEndian: true, out _);
        _docs[n] = new Doc
        {
            IdHigh = BinaryPrimitives.ReadUInt64BigEndian(id),
            IdLow = BinaryPrimitives.ReadUInt64BigEndian(id[8..]),
            WriteXid = row.WriteXid,
            Type = Value(row.ObjectType),
            Kind = Value(row.Kind),
            Status = Value(row.Status),
            Published = row.Published,
            Owner = Value(row.Owner),
            Providers = Values(row.Providers),
            SortCode = row.SortCode,
            SortName = _names[name],
            FieldGroup = Value(row.FieldGroup),
            StudyField = Value(row.StudyField),
            IscedF = Values(row.IscedF),
            IscedFPrefixes = Values(row.IscedFPrefixes),
            LtksLevel = Value(row.LtksLevel),
            EqfLevel = Value(row.EqfLevel?.ToString(CultureInfo.InvariantCulture)),
            Cycle = Value(row.Cycle),
            StudyType = Value(row.StudyType),
            Languages = Values(row.Languages),
            Forms = Values(row.Forms),
            RegisteredOn = row.RegisteredOn,
            SortRegistered = row.SortRegistered,
            ChangedAt = Microseconds(row.ChangedAt),
        };
        _byRecord[row.RecordId] = n;
        _nameLengths[n] = (ushort)Math.Min(row.SortNameLength, ushort.MaxValue);
        _rankings[n] = new Ranking((uint)(_docs[n].IdHigh >> 32), name);
        ref readonly var doc = ref _docs[n];
        _live.Set(n);
        SetOf(_types, doc.Type).Set(n);
        if (doc.Published)
        {
            _published.Set(n);
        }
        else
        {
            if (!_unpublished.TryGetValue(doc.Owner, out var own))
            {
                own = [];
                _unpublished[doc.Owner] = own;
            }

            own.Add(n);
        }

        SetColumn(Column.Kind, doc.Kind, n);
        SetColumn(Column.Status, doc.Status, n);
        SetColumn(Column.FieldGroup, doc.FieldGroup, n);
        SetColumn(Column.StudyField, doc.StudyField, n);
        SetColumn(Column.LtksLevel, doc.LtksLevel, n);
        SetColumn(Column.EqfLevel, doc.EqfLevel, n);
        SetColumn(Column.Cycle, doc.Cycle, n);
        SetColumn(Column.StudyType, doc.StudyType, n);
        foreach (var language in doc.Languages)
        {
            SetColumn(Column.Language, language, n);
        }

        foreach (var form in doc.Forms)
        {
            SetColumn(Column.Form, form, n);
        }

        foreach (var lexeme in row.Lexemes)
        {
            Lexeme(lexeme).Text.Add(n);
        }

        var code = row.SortCode.ToLowerInvariant();
        var codeIsLexeme = code.Length == 0;
        foreach (var lexeme in row.TitleLexemes)
        {
            Lexeme(lexeme).Title.Add(n);
            codeIsLexeme |= lexeme == code;
        }

        if (!codeIsLexeme)
        {
            // A code the parser did not keep whole: code prefixes check it directly.
            _oddCodes.Add(n);
        }
    }

    private void SetColumn(Column column, int value, int n)
    {
        if (value != 0)
        {
            SetOf(_columns[(int)column], value).Set(n);
        }
    }

    private static Bits SetOf(Dictionary<int, Bits> sets, int value)
    {
        if (!sets.TryGetValue(value, out var bits))
        {
            bits = new Bits();
            sets[value] = bits;
        }

        return bits;
    }

    private Postings Lexeme(string lexeme)
    {
        if (!_lexemes.TryGetValue(lexeme, out var postings))
        {
            postings = new Postings();
            _lexemes[lexeme] = postings;
            _unsortedLexemes.Add(lexeme);
        }

        return postings;
    }

    private int Value(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        if (!_valueIds.TryGetValue(value, out var id))
        {
            id = _values.Count;
            _values.Add(value);
            _valueIds[value] = id;
        }

        return id;
    }

    private int Name(string name)
    {
        if (!_nameIds.TryGetValue(name, out var id))
        {
            id = _names.Count;
            _names.Add(name);
            _nameIds[name] = id;
        }

        return id;
    }

    /// <summary>The ids of <paramref name="values"/>, as one array shared by every document with the same values (most share a few combinations).</summary>
    private int[] Values(string[] values)
    {
        if (values.Length == 0)
        {
            return [];
        }

        var key = string.Join('\u001f', values);
        if (!_arrays.TryGetValue(key, out var ids))
        {
            ids = Array.ConvertAll(values, Value);
            _arrays[key] = ids;
        }

        return ids;
    }

    /// <summary>The id of a known value; -1 when no entry has it (so nothing matches it).</summary>
    private int Find(string value) => _valueIds.GetValueOrDefault(value, -1);

    private static long Microseconds(DateTimeOffset instant) => instant.UtcTicks / 10;

    /// <summary>
    /// The page, total and facets of <paramref name="request"/> among entries of <paramref name="objectType"/>
    /// that <paramref name="visibility"/> lets through, in exact mode (text matched by its words or as a code).
    /// </summary>
    public MirrorAnswer Search(string objectType, SearchRequest request, SearchVisibility visibility, IReadOnlyList<WordForms> words, string? fold, string? code)
    {
        _lock.EnterReadLock();
        try
        {
            return new Evaluation(this, objectType, request, visibility, words, fold, code).Run();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The postings of every lexeme that begins with <paramref name="prefix"/>.</summary>
    private IEnumerable<Postings> StartingWith(string prefix)
    {
        var start = Array.BinarySearch(_sortedLexemes, prefix, StringComparer.Ordinal);
        for (var i = start < 0 ? ~start : start; i < _sortedLexemes.Length && _sortedLexemes[i].StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            yield return _lexemes[_sortedLexemes[i]];
        }

        foreach (var lexeme in _unsortedLexemes)
        {
            if (lexeme.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return _lexemes[lexeme];
            }
        }
    }

    /// <summary>Compares as PostgreSQL's "C" collation does (UTF-8 bytes, that is code points), not as UTF-16 units.</summary>
    internal static int CodePoints(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            int x = a[i], y = b[i];
            if (x != y)
            {
                if (x >= 0xD800 && y >= 0xD800)
                {
                    // Surrogates (U+10000 and up) sort after U+E000–U+FFFF in code point order.
                    x = x >= 0xE000 ? x - 0x800 : x + 0x2000;
                    y = y >= 0xE000 ? y - 0x800 : y + 0x2000;
                }

                return x - y;
            }
        }

        return a.Length - b.Length;
    }

    /// <summary>
    /// The classification columns, each kept as one set of documents per value (few values, many
    /// documents each): filters and facets on them work on 64 documents at a time. An entry's arrays hold
    /// each value once (<see cref="SearchEntry.Fill"/>), so counting documents counts elements as SQL does.
    /// </summary>
    private enum Column
    {
        Kind,
        Status,
        FieldGroup,
        StudyField,
        LtksLevel,
        EqfLevel,
        Cycle,
        StudyType,
        Language,
        Form,
    }

    /// <summary>A set of document numbers, one bit each; words beyond its length are empty.</summary>
    private sealed class Bits
    {
        private ulong[] _words = [];

        public void Set(int n)
        {
            var word = n >> 6;
            if (word >= _words.Length)
            {
                Array.Resize(ref _words, Math.Max(word + 1, _words.Length * 2));
            }

            _words[word] |= 1UL << n;
        }

        public void Clear(int n)
        {
            if (n >> 6 < _words.Length)
            {
                _words[n >> 6] &= ~(1UL << n);
            }
        }

        /// <summary><paramref name="target"/> &amp;= this (or = this, when <paramref name="copy"/>).</summary>
        public void AndInto(ulong[] target, int blocks, bool copy = false)
        {
            var length = Math.Min(blocks, _words.Length);
            for (var i = 0; i < length; i++)
            {
                target[i] = copy ? _words[i] : target[i] & _words[i];
            }

            Array.Clear(target, length, blocks - length);
        }

        public void OrInto(ulong[] target, int blocks)
        {
            var length = Math.Min(blocks, _words.Length);
            for (var i = 0; i < length; i++)
            {
                target[i] |= _words[i];
            }
        }

        public long CountIn(ulong[] matched, int blocks)
        {
            var length = Math.Min(blocks, _words.Length);
            long count = 0;
            for (var i = 0; i < length; i++)
            {
                count += BitOperations.PopCount(matched[i] & _words[i]);
            }

            return count;
        }
    }

    private delegate bool DocFilter(in Doc doc);

    private delegate int DocValue(in Doc doc);

    private delegate int[] DocValues(in Doc doc);

    /// <summary>
    /// The first 32 bits of a document's record id, which order two ids as the whole ids do unless they
    /// are equal (then the whole ids are compared), and its name's id (equal to the text's, it scores).
    /// </summary>
    private readonly record struct Ranking(uint IdHead, int Name);

    /// <summary>One document found (or a cursor: no document), with what orders it.</summary>
    private readonly record struct Hit(int Doc, double Score, uint IdHead)
    {
        /// <summary>The cursor's record id (a document's is read from it when needed).</summary>
        public ulong IdHigh { get; init; }

        public ulong IdLow { get; init; }

        /// <summary>The cursor's key (a cursor is a hit with no document).</summary>
        public string? Key { get; init; }

        public DateOnly Date { get; init; }

        public long Instant { get; init; }
    }

    /// <summary>One entry's values, as ids into the index's value table (0 for none).</summary>
    private struct Doc
    {
        public ulong IdHigh;
        public ulong IdLow;
        public ulong WriteXid;
        public bool Published;
        public int Type;
        public int Kind;
        public int Status;
        public int Owner;
        public int[] Providers;
        public string SortCode;
        public string SortName;
        public int FieldGroup;
        public int StudyField;
        public int[] IscedF;
        public int[] IscedFPrefixes;
        public int LtksLevel;
        public int EqfLevel;
        public int Cycle;
        public int StudyType;
        public int[] Languages;
        public int[] Forms;
        public DateOnly? RegisteredOn;
        public DateOnly SortRegistered;
        public long ChangedAt;
    }

    /// <summary>The documents that hold one lexeme anywhere in their text, and in their code or names.</summary>
    private sealed class Postings
    {
        public readonly DocumentList Text = new();
        public readonly DocumentList Title = new();
    }

    /// <summary>Document numbers in ascending order (documents are only appended).</summary>
    private sealed class DocumentList
    {
        private int[] _items = [];
        private int _count;

        public void Add(int n)
        {
            if (_count == _items.Length)
            {
                Array.Resize(ref _items, Math.Max(4, _items.Length * 2));
            }

            _items[_count++] = n;
        }

        public ReadOnlySpan<int> Items => _items.AsSpan(0, _count);

        /// <summary>Drops the room left for growth (a loaded index mostly stays as it is).</summary>
        public void Trim()
        {
            if (_items.Length > _count)
            {
                Array.Resize(ref _items, _count);
            }
        }

        public void SetBits(ulong[] bits)
        {
            foreach (var n in Items)
            {
                bits[n >> 6] |= 1UL << n;
            }
        }
    }
}
