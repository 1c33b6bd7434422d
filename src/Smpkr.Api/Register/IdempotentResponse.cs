namespace Smpkr.Api.Register;

/// <summary>
/// The first response to a POST sent with an <c>Idempotency-Key</c>, stored in the same transaction
/// as the write it reports, so a retry within <see cref="Idempotency.Retention"/> replays it exactly.
/// </summary>
public sealed class IdempotentResponse
{
    public required string Subject { get; init; }

    public required string Key { get; init; }

    /// <summary>SHA-256 of method, path, query and body: the same key with another request is refused.</summary>
    public required string RequestHash { get; init; }

    public int Status { get; init; }

    public string? Location { get; init; }

    public string? ETag { get; init; }

    public string? Body { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
