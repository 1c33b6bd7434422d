using System.Buffers;
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
internal sealed class MirrorIndex
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _valueIds = new(StringComparer.Ordinal);
    private readonly List<string> _values = [string.Empty];
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

    /// <summary>Each document's name length (for relevance), apart from the rest so that scoring many matches reads little memory.</summary>
    private int[] _nameLengths = new int[1024];
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
        }

        var n = _count++;
        Span<byte> id = stackalloc byte[16];
        row.RecordId.TryWriteBytes(id, bigEndian: true, out _);
        _docs[n] = new Doc
        {
            RecordId = row.RecordId,
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
            SortName = row.SortName,
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
        _nameLengths[n] = row.SortNameLength;
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

    /// <summary>A search in progress: the request's filters as value ids, its text as sets of documents, and the running page and counts.</summary>
    private sealed class Evaluation
    {
        private readonly MirrorIndex _index;
        private readonly SearchRequest _request;
        private readonly SearchVisibility _visibility;
        private readonly int _type;
        private readonly int _owner;
        private readonly string? _fold;
        private readonly int _foldLength;
        private readonly string? _code;
        private readonly List<(Column Column, int[] Ids)> _columnFilters = [];
        private readonly List<DocFilter> _filters = [];
        private readonly List<(string Name, Column? Column, DocValue? Scalar, DocValues? Array)> _facets = [];
        private readonly IReadOnlyList<WordForms> _words;
        private readonly bool _descending;
        private readonly Hit? _after;

        public Evaluation(MirrorIndex index, string objectType, SearchRequest request, SearchVisibility visibility, IReadOnlyList<WordForms> words, string? fold, string? code)
        {
            _index = index;
            _request = request;
            _visibility = visibility;
            _words = words;
            _fold = fold;
            // PostgreSQL's length(): characters, not UTF-16 units.
            _foldLength = fold is null ? 0 : fold.EnumerateRunes().Count();
            _code = code;
            _type = index.Find(objectType);
            _owner = visibility.AlsoOwnedBy is { } owner ? index.Find(owner) : -1;
            _descending = request.Sort is SearchSort.Relevance or SearchSort.CodeDescending or SearchSort.NameDescending
                or SearchSort.RegisteredOnDescending or SearchSort.ChangedAtDescending;
            AnyOf(Column.Kind, request.Kinds);
            AnyOf(Column.Status, request.Statuses.Select(s => s.ToString()).ToList());
            Overlaps(request.Providers, (in Doc d) => d.Providers);
            AnyOf(Column.FieldGroup, request.FieldGroups);
            AnyOf(Column.StudyField, request.StudyFields);
            Overlaps(request.IscedF, (in Doc d) => d.IscedFPrefixes);
            AnyOf(Column.LtksLevel, request.LtksLevels);
            AnyOf(Column.EqfLevel, request.EqfLevels.Select(l => l.ToString(CultureInfo.InvariantCulture)).ToList());
            AnyOf(Column.Cycle, request.Cycles);
            AnyOf(Column.StudyType, request.StudyTypes);
            AnyOf(Column.Language, request.Languages);
            AnyOf(Column.Form, request.Forms);
            if (request.RegisteredFrom is { } from)
            {
                _filters.Add((in Doc d) => d.RegisteredOn >= from);
            }

            if (request.RegisteredTo is { } to)
            {
                _filters.Add((in Doc d) => d.RegisteredOn <= to);
            }

            if (request.ChangedSince is { } since)
            {
                var floor = Microseconds(since);
                _filters.Add((in Doc d) => d.ChangedAt >= floor);
            }

            foreach (var facet in request.Facets)
            {
                _facets.Add(facet switch
                {
                    "kind" => (facet, Column.Kind, null, null),
                    "status" => (facet, Column.Status, null, null),
                    "provider" => (facet, null, (in Doc d) => d.Owner, null),
                    "fieldGroup" => (facet, Column.FieldGroup, null, null),
                    "studyField" => (facet, Column.StudyField, null, null),
                    "iscedF" => (facet, null, null, (in Doc d) => d.IscedF),
                    "ltksLevel" => (facet, Column.LtksLevel, null, null),
                    "eqfLevel" => (facet, Column.EqfLevel, null, null),
                    "cycle" => (facet, Column.Cycle, null, null),
                    "studyType" => (facet, Column.StudyType, null, null),
                    "language" => (facet, Column.Language, null, null),
                    "form" => (facet, Column.Form, null, null),
                    _ => throw new ArgumentOutOfRangeException(nameof(request), facet, "Unknown facet."),
                });
            }

            if (request.After is { } after)
            {
                Span<byte> id = stackalloc byte[16];
                after.Id.TryWriteBytes(id, bigEndian: true, out _);
                _after = new Hit(-1, request.Sort == SearchSort.Relevance ? after.Score : 0)
                {
                    IdHigh = BinaryPrimitives.ReadUInt64BigEndian(id),
                    IdLow = BinaryPrimitives.ReadUInt64BigEndian(id[8..]),
                    Key = request.Sort switch
                    {
                        SearchSort.Code or SearchSort.CodeDescending or SearchSort.Name or SearchSort.NameDescending => after.Key,
                        _ => null,
                    },
                    Date = request.Sort is SearchSort.RegisteredOn or SearchSort.RegisteredOnDescending ? after.Date : default,
                    Instant = request.Sort is SearchSort.ChangedAt or SearchSort.ChangedAtDescending ? Microseconds(after.Instant) : 0,
                };
            }
        }

        /// <summary>The column holds one of <paramref name="values"/> (a value no entry has matches nothing).</summary>
        private void AnyOf(Column column, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                _columnFilters.Add((column, values.Select(_index.Find).Where(id => id > 0).ToArray()));
            }
        }

        /// <summary>The array column shares an element with <paramref name="values"/>.</summary>
        private void Overlaps(IReadOnlyList<string> values, DocValues column)
        {
            if (values.Count > 0)
            {
                var ids = values.Select(_index.Find).Where(id => id > 0).ToArray();
                _filters.Add((in Doc d) =>
                {
                    foreach (var value in column(d))
                    {
                        if (Array.IndexOf(ids, value) >= 0)
                        {
                            return true;
                        }
                    }

                    return false;
                });
            }
        }

        /// <summary>
        /// Narrows whole words of 64 documents at a time — live, of the type, matching the text, visible,
        /// passing the filters on classification columns — then visits each document left once: the
        /// other filters (clearing its bit when one fails), the facets of other columns, its sort key and
        /// a place on the page. Facets of classification columns are counted last, 64 documents at a time.
        /// </summary>
        public MirrorAnswer Run()
        {
            var limit = _request.Limit + 1;
            // The worst hit kept is at the top of the queue, to be dropped when a better one comes.
            var page = new PriorityQueue<Hit, Hit>(limit + 1, Comparer<Hit>.Create((a, b) => Compare(b, a)));
            long total = 0;
            var wordsFound = false;
            var tallies = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
            var counts = _facets.Select(f => f.Column is null ? new long[_index._values.Count] : null).ToArray();
            var blocks = (_index._count + 63) >> 6;
            (ulong[] Text, ulong[] Title)? words = _request.Text is null ? null : Matches();
            var matched = Rent(blocks);
            var mask = Rent(blocks);
            try
            {
                if (_type <= 0 || !_index._types.TryGetValue(_type, out var type))
                {
                    return Answer(page, total, tallies, wordsFound);
                }

                _index._live.AndInto(matched, blocks, copy: true);
                type.AndInto(matched, blocks);
                if (words is { } w)
                {
                    for (var i = 0; i < blocks; i++)
                    {
                        matched[i] &= w.Text[i];
                    }
                }

                if (_visibility.Published)
                {
                    Array.Clear(mask, 0, blocks);
                    _index._published.OrInto(mask, blocks);
                    if (_owner > 0 && _index._unpublished.TryGetValue(_owner, out var own))
                    {
                        foreach (var n in own)
                        {
                            mask[n >> 6] |= 1UL << n;
                        }
                    }

                    And(matched, mask, blocks);
                }

                wordsFound = words is not null && Any(matched, blocks);
                foreach (var (column, ids) in _columnFilters)
                {
                    Array.Clear(mask, 0, blocks);
                    foreach (var id in ids)
                    {
                        if (_index._columns[(int)column].TryGetValue(id, out var bits))
                        {
                            bits.OrInto(mask, blocks);
                        }
                    }

                    And(matched, mask, blocks);
                }

                var docs = _index._docs;
                for (var block = 0; block < blocks; block++)
                {
                    var bits = matched[block];
                    while (bits != 0)
                    {
                        var n = (block << 6) + BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        ref readonly var doc = ref docs[n];
                        if (!Passes(doc))
                        {
                            matched[block] &= ~(1UL << n);
                            continue;
                        }

                        total++;
                        for (var f = 0; f < _facets.Count; f++)
                        {
                            var (_, column, scalar, array) = _facets[f];
                            if (column is not null)
                            {
                                continue;
                            }

                            if (scalar is not null)
                            {
                                counts[f]![scalar(doc)]++;
                            }
                            else
                            {
                                foreach (var value in array!(doc))
                                {
                                    counts[f]![value]++;
                                }
                            }
                        }

                        Hit hit;
                        if (_request.Sort == SearchSort.Relevance)
                        {
                            // Most matches lose on the score alone: their ids (in the larger per-document record) are read only when it ties or wins.
                            var score = Score(n, doc, words);
                            if ((_after is { } cursor && score > cursor.Score) || (page.Count == limit && score < page.Peek().Score))
                            {
                                continue;
                            }

                            hit = new Hit(n, score) { IdHigh = doc.IdHigh, IdLow = doc.IdLow };
                        }
                        else
                        {
                            hit = new Hit(n, 0) { IdHigh = doc.IdHigh, IdLow = doc.IdLow };
                        }

                        if (_after is { } after && Compare(hit, after) <= 0)
                        {
                            continue;
                        }

                        if (page.Count < limit)
                        {
                            page.Enqueue(hit, hit);
                        }
                        else if (Compare(hit, page.Peek()) < 0)
                        {
                            page.DequeueEnqueue(hit, hit);
                        }
                    }
                }

                for (var f = 0; f < _facets.Count; f++)
                {
                    var (name, column, _, _) = _facets[f];
                    var named = new Dictionary<string, long>(StringComparer.Ordinal);
                    if (column is { } c)
                    {
                        foreach (var (value, bits) in _index._columns[(int)c])
                        {
                            var count = bits.CountIn(matched, blocks);
                            if (count > 0)
                            {
                                // Statuses are kept as stored (Registered) and counted as the API names them (registered).
                                named[c == Column.Status ? _index._values[value].ToLowerInvariant() : _index._values[value]] = count;
                            }
                        }
                    }
                    else
                    {
                        for (var value = 1; value < counts[f]!.Length; value++)
                        {
                            if (counts[f]![value] > 0)
                            {
                                named[_index._values[value]] = counts[f]![value];
                            }
                        }
                    }

                    tallies[name] = named;
                }

                return Answer(page, total, tallies, wordsFound);
            }
            finally
            {
                ArrayPool<ulong>.Shared.Return(matched);
                ArrayPool<ulong>.Shared.Return(mask);
                if (words is { } w)
                {
                    ArrayPool<ulong>.Shared.Return(w.Text);
                    ArrayPool<ulong>.Shared.Return(w.Title);
                }
            }
        }

        private bool Passes(in Doc doc)
        {
            foreach (var filter in _filters)
            {
                if (!filter(doc))
                {
                    return false;
                }
            }

            return true;
        }

        private static void And(ulong[] target, ulong[] mask, int blocks)
        {
            for (var i = 0; i < blocks; i++)
            {
                target[i] &= mask[i];
            }
        }

        private static bool Any(ulong[] bits, int blocks)
        {
            for (var i = 0; i < blocks; i++)
            {
                if (bits[i] != 0)
                {
                    return true;
                }
            }

            return false;
        }

        private MirrorAnswer Answer(PriorityQueue<Hit, Hit> page, long total, Dictionary<string, Dictionary<string, long>> tallies, bool wordsFound)
        {
            var hits = new List<Hit>(page.Count);
            while (page.TryDequeue(out var hit, out _))
            {
                hits.Add(hit);
            }

            hits.Reverse();
            foreach (var (name, _, _, _) in _facets)
            {
                tallies.TryAdd(name, new Dictionary<string, long>(StringComparer.Ordinal));
            }

            return new MirrorAnswer(
                hits.Select(h => _index._docs[h.Doc].RecordId).ToList(),
                hits.Select(h => KeyOf(h)).ToList(),
                total,
                tallies,
                wordsFound);
        }

        private object? KeyOf(Hit hit)
        {
            ref readonly var doc = ref _index._docs[hit.Doc];
            return _request.Sort switch
            {
                SearchSort.Relevance => hit.Score,
                SearchSort.Created => null,
                SearchSort.Code or SearchSort.CodeDescending => doc.SortCode,
                SearchSort.Name or SearchSort.NameDescending => doc.SortName,
                SearchSort.RegisteredOn or SearchSort.RegisteredOnDescending => doc.SortRegistered,
                _ => new DateTimeOffset(doc.ChangedAt * 10, TimeSpan.Zero),
            };
        }

        /// <summary>
        /// The score of <see cref="RegisterSearch"/>'s exact mode, term for term and in the same order of
        /// addition, so the same double comes out: code (100 exact, 50 prefix), words found in the code or
        /// names (1), a name equal to the text (1), and a little more for shorter names.
        /// </summary>
        private double Score(int n, in Doc doc, (ulong[] Text, ulong[] Title)? words)
        {
            var score = 0d;
            if (_code is not null)
            {
                score += doc.SortCode == _code ? 100 : doc.SortCode.StartsWith(_code, StringComparison.Ordinal) ? 50 : 0;
            }

            if (_words.Count > 0 && words is { } w)
            {
                score += (w.Title[n >> 6] & (1UL << n)) != 0 ? 1 : 0;
            }

            if (_fold is not null)
            {
                var length = _index._nameLengths[n];
                score += length == _foldLength && doc.SortName == _fold ? 1 : 0;
                score += 0.1 / (1 + length / 10.0);
            }

            return score;
        }

        /// <summary>
        /// The documents the text matches (each word by its Lithuanian stem, English stem or simple form — a
        /// prefix from three letters on; words that read as nothing are left out, and nothing matches when
        /// every word is; or the text as a code prefix), and among them those whose code and names alone
        /// hold every word.
        /// </summary>
        private (ulong[] Text, ulong[] Title) Matches()
        {
            var blocks = (_index._count + 63) >> 6;
            var text = Rent(blocks);
            var title = Rent(blocks);
            var word = Rent(blocks);
            var wordTitle = Rent(blocks);
            try
            {
                var first = true;
                foreach (var forms in _words)
                {
                    Array.Clear(word, 0, blocks);
                    Array.Clear(wordTitle, 0, blocks);
                    var any = false;
                    foreach (var lexeme in forms.Lt.Concat(forms.En).Concat(forms.Word.Length >= 3 ? [] : forms.Simple))
                    {
                        any = true;
                        if (_index._lexemes.TryGetValue(lexeme, out var postings))
                        {
                            postings.Text.SetBits(word);
                            postings.Title.SetBits(wordTitle);
                        }
                    }

                    if (forms.Word.Length >= 3)
                    {
                        foreach (var prefix in forms.Simple)
                        {
                            any = true;
                            foreach (var postings in _index.StartingWith(prefix))
                            {
                                postings.Text.SetBits(word);
                                postings.Title.SetBits(wordTitle);
                            }
                        }
                    }

                    if (!any)
                    {
                        continue;
                    }

                    if (first)
                    {
                        Array.Copy(word, text, blocks);
                        Array.Copy(wordTitle, title, blocks);
                        first = false;
                    }
                    else
                    {
                        for (var i = 0; i < blocks; i++)
                        {
                            text[i] &= word[i];
                            title[i] &= wordTitle[i];
                        }
                    }
                }

                if (first)
                {
                    Array.Clear(text, 0, blocks);
                    Array.Clear(title, 0, blocks);
                }

                if (_code is not null)
                {
                    foreach (var postings in _index.StartingWith(_code.ToLowerInvariant()))
                    {
                        foreach (var n in postings.Title.Items)
                        {
                            if (_index._docs[n].SortCode.StartsWith(_code, StringComparison.Ordinal))
                            {
                                text[n >> 6] |= 1UL << n;
                            }
                        }
                    }

                    foreach (var n in _index._oddCodes)
                    {
                        if (_index._docs[n].SortCode.StartsWith(_code, StringComparison.Ordinal))
                        {
                            text[n >> 6] |= 1UL << n;
                        }
                    }
                }

                return (text, title);
            }
            finally
            {
                ArrayPool<ulong>.Shared.Return(word);
                ArrayPool<ulong>.Shared.Return(wordTitle);
            }
        }

        private static ulong[] Rent(int blocks)
        {
            var array = ArrayPool<ulong>.Shared.Rent(Math.Max(1, blocks));
            Array.Clear(array);
            return array;
        }

        /// <summary>Where <paramref name="a"/> comes relative to <paramref name="b"/> in the page's order: the sort key, then the record id (as PostgreSQL orders uuids).</summary>
        private int Compare(Hit a, Hit b)
        {
            var c = _request.Sort switch
            {
                SearchSort.Relevance => a.Score.CompareTo(b.Score),
                SearchSort.Created => 0,
                SearchSort.Code or SearchSort.CodeDescending => CodePoints(KeyText(a, code: true), KeyText(b, code: true)),
                SearchSort.Name or SearchSort.NameDescending => CodePoints(KeyText(a, code: false), KeyText(b, code: false)),
                SearchSort.RegisteredOn or SearchSort.RegisteredOnDescending => DateOf(a).CompareTo(DateOf(b)),
                _ => InstantOf(a).CompareTo(InstantOf(b)),
            };
            if (c == 0)
            {
                c = a.IdHigh != b.IdHigh ? a.IdHigh.CompareTo(b.IdHigh) : a.IdLow.CompareTo(b.IdLow);
            }

            return _descending ? -c : c;
        }

        private string KeyText(Hit hit, bool code) => hit.Doc < 0 ? hit.Key! : code ? _index._docs[hit.Doc].SortCode : _index._docs[hit.Doc].SortName;

        private DateOnly DateOf(Hit hit) => hit.Doc < 0 ? hit.Date : _index._docs[hit.Doc].SortRegistered;

        private long InstantOf(Hit hit) => hit.Doc < 0 ? hit.Instant : _index._docs[hit.Doc].ChangedAt;
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

    /// <summary>One document found, with what orders it.</summary>
    private readonly record struct Hit(int Doc, double Score)
    {
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
        public Guid RecordId;
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
