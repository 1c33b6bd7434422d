namespace Smpkr.Api.Publication;

/// <summary>
/// One entry of the change feed: the published record as it stood after one published change.
/// <see cref="Sequence"/> is handed out under the lock on <see cref="FeedHead"/> held until commit,
/// so sequence order is commit order and a reader never sees a later entry before an earlier one.
/// Entries are never updated or deleted.
/// </summary>
public sealed class FeedEntry
{
    public long Sequence { get; init; }

    public Guid RecordId { get; init; }

    public required string ObjectType { get; init; }

    public required string Code { get; init; }

    /// <summary>The code before a recoding (recoded entries only).</summary>
    public string? PreviousCode { get; init; }

    public required string Op { get; init; }

    public int Version { get; init; }

    /// <summary>When the version in this entry came into force.</summary>
    public DateOnly ValidFrom { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>The whole published record after the change (JSON, allow-listed fields only).</summary>
    public required string Content { get; init; }

    /// <summary>
    /// What changed against the previous entry of the record, as a JSON merge patch (RFC 7386); null for
    /// a record's first entry, whose patch is the record itself (served from <see cref="Content"/>, not stored twice).
    /// </summary>
    public string? Patch { get; init; }
}

/// <summary>The published state of one record now: the content of its latest feed entry, kept for direct reads.</summary>
public sealed class PublishedRecord
{
    public Guid RecordId { get; init; }

    public required string ObjectType { get; init; }

    public required string Code { get; set; }

    public string? Kind { get; set; }

    public required string Status { get; set; }

    public int Version { get; set; }

    /// <summary>The feed entry that produced <see cref="Content"/>; the basis of the record's ETag.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    public required string Content { get; set; }
}

/// <summary>The single row that hands out feed sequence numbers; its row lock orders publishing transactions.</summary>
public sealed class FeedHead
{
    public int Id { get; init; }

    public long LastSequence { get; set; }

    public DateTimeOffset? LastChangeAt { get; set; }
}
