using Smpkr.Api.Search;

namespace Smpkr.Api.Tests.Search;

/// <summary>
/// The in-memory index's ordering where scores tie: pages follow the whole record id as PostgreSQL orders
/// uuids, also for ids that share their first bytes, whatever order the documents were added in.
/// (Every search is also compared with PostgreSQL's answer through HTTP in <see cref="SearchMirrorTests"/>.)
/// </summary>
public sealed class MirrorIndexTests
{
    private static readonly WordForms Informatika = new("informatika", ["informatik"], [], ["informatika"], "informatika");

    [Test]
    public void Tied_matches_are_paged_by_their_whole_record_id_in_either_direction()
    {
        var random = new Random(11);
        var ids = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            // Half the ids share their first eight bytes; of those, pairs differ only in the last byte.
            if (i % 2 == 0)
            {
                Array.Fill(bytes, (byte)0x5A, 0, 8);
                bytes[15] = (byte)(i % 4);
            }

            ids.Add(new Guid(bytes, bigEndian: true));
        }

        var index = new MirrorIndex();
        foreach (var id in ids.OrderBy(_ => random.Next()))
        {
            index.Load(Row(id, "informatika"));
        }

        index.Loaded(1, []);
        var byUuid = ids.OrderBy(id => id.ToByteArray(bigEndian: true), ByteOrder.Instance).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Walk(index, SearchSort.Relevance, 7), Is.EqualTo(byUuid.AsEnumerable().Reverse()), "relevance: score, then id descending");
            Assert.That(Walk(index, SearchSort.Created, 6), Is.EqualTo(byUuid), "created: id ascending");
        });
    }

    [Test]
    public void A_name_equal_to_the_text_ranks_above_a_name_of_the_same_length()
    {
        var equal = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var other = Guid.Parse("ffffffff-0000-0000-0000-000000000001");
        var index = new MirrorIndex();
        index.Load(Row(other, "informatiko"));
        index.Load(Row(equal, "informatika"));
        index.Loaded(1, []);

        var answer = index.Search("programme", Request(SearchSort.Relevance, 10, after: null), SearchVisibility.Everything, [Informatika], "informatika", null);

        Assert.That(answer.Ids, Is.EqualTo(new[] { equal, other }));
        Assert.That((double)answer.Keys[0]!, Is.GreaterThan((double)answer.Keys[1]! + 0.5));
    }

    /// <summary>Every page of the search, each from the previous page's last hit, as the API's cursor does.</summary>
    private static List<Guid> Walk(MirrorIndex index, SearchSort sort, int limit)
    {
        var walked = new List<Guid>();
        SearchCursor? after = null;
        while (true)
        {
            var answer = index.Search("programme", Request(sort, limit, after), SearchVisibility.Everything, [Informatika], "informatika", null);
            walked.AddRange(answer.Ids.Take(limit));
            if (answer.Ids.Count <= limit)
            {
                return walked;
            }

            after = new SearchCursor(sort, answer.Keys[limit - 1] is double score ? SearchCursor.KeyOf(score) : null, answer.Ids[limit - 1]);
        }
    }

    private static SearchRequest Request(SearchSort sort, int limit, SearchCursor? after) =>
        new() { Text = "informatika", Words = ["informatika"], Sort = sort, Limit = limit, After = after };

    private static MirrorRow Row(Guid id, string name) => new(
        id, 1, "programme", "study", "Registered", true, "111950243", ["111950243"], "6121BX001", name, name.Length, "B", "B01", ["0613"], ["06", "061", "0613"],
        "VI", 6, "first", "university", ["lt"], ["full-time"], new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 1), DateTimeOffset.UnixEpoch,
        ["informatik", name], ["informatik", name]);

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
