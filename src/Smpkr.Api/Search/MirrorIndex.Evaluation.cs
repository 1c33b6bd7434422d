using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Smpkr.Api.Search;

/// <summary>How <see cref="MirrorIndex"/> answers one search.</summary>
internal sealed partial class MirrorIndex
{
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
        private readonly int _foldName;
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
            _foldLength = fold is null ? -1 : fold.EnumerateRunes().Count();
            _foldName = fold is null ? -1 : index._nameIds.GetValueOrDefault(fold, -1);
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
                var high = BinaryPrimitives.ReadUInt64BigEndian(id);
                _after = new Hit(-1, request.Sort == SearchSort.Relevance ? after.Score : 0, (uint)(high >> 32))
                {
                    IdHigh = high,
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
                var rankings = _index._rankings;
                // Documents are numbered much as their ids run (new ids are time-ordered), so a descending order visits them from
                // the last: among matches that tie on the sort key, each later one then mostly loses, rather than taking a place.
                for (var visited = 0; visited < blocks; visited++)
                {
                    var block = _descending ? blocks - 1 - visited : visited;
                    var bits = matched[block];
                    while (bits != 0)
                    {
                        var bit = _descending ? 63 - BitOperations.LeadingZeroCount(bits) : BitOperations.TrailingZeroCount(bits);
                        bits &= ~(1UL << bit);
                        var n = (block << 6) + bit;
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

                        // Most matches lose on the score alone (a small read), most others on the head of their id: the per-document record is read for a few.
                        var score = 0d;
                        if (_request.Sort == SearchSort.Relevance)
                        {
                            score = Score(n, doc, words);
                            if ((_after is { } cursor && score > cursor.Score) || (page.Count == limit && score < page.Peek().Score))
                            {
                                continue;
                            }
                        }

                        var hit = new Hit(n, score, rankings[n].IdHead);
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
                hits.Select(h => RecordId(IdOf(h))).ToList(),
                hits.Select(h => KeyOf(h)).ToList(),
                total,
                tallies,
                wordsFound);
        }

        /// <summary>The record id from its two halves as PostgreSQL orders them (kept once per document, not twice).</summary>
        private static Guid RecordId((ulong High, ulong Low) id)
        {
            var (high, low) = id;
            Span<byte> bytes = stackalloc byte[16];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, high);
            BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], low);
            return new Guid(bytes, bigEndian: true);
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
                score += length == _foldLength && _index._rankings[n].Name == _foldName ? 1 : 0;
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
                c = a.IdHead.CompareTo(b.IdHead);
            }

            if (c == 0)
            {
                var (x, y) = (IdOf(a), IdOf(b));
                c = x.High != y.High ? x.High.CompareTo(y.High) : x.Low.CompareTo(y.Low);
            }

            return _descending ? -c : c;
        }

        private (ulong High, ulong Low) IdOf(Hit hit) => hit.Doc < 0 ? (hit.IdHigh, hit.IdLow) : (_index._docs[hit.Doc].IdHigh, _index._docs[hit.Doc].IdLow);

        private string KeyText(Hit hit, bool code) => hit.Doc < 0 ? hit.Key! : code ? _index._docs[hit.Doc].SortCode : _index._docs[hit.Doc].SortName;

        private DateOnly DateOf(Hit hit) => hit.Doc < 0 ? hit.Date : _index._docs[hit.Doc].SortRegistered;

        private long InstantOf(Hit hit) => hit.Doc < 0 ? hit.Instant : _index._docs[hit.Doc].ChangedAt;
    }
}
