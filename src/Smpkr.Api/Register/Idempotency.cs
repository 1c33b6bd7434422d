using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Register;

/// <summary>
/// <c>Idempotency-Key</c> on POST: a retry with the same key and request replays the first
/// response; the same key with another request is a 422. The first response is stored by
/// <see cref="RegisterRecords{TBody}"/> in the transaction of the write itself, so a write and its
/// stored response exist together or not at all; two concurrent first tries cannot both write.
/// </summary>
public sealed class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 100;

    /// <summary>1–100 visible ASCII characters, e.g. a UUID.</summary>
    public const string KeyPattern = "^[!-~]{1,100}$";

    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>The key and request hash of the current request, when it carries a key.</summary>
    public (string Subject, string Key, string Hash)? Current { get; private set; }

    /// <summary>Endpoint filter for POST operations that write.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            return await next(invocation);
        }

        var key = values.ToString();
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c < 0x21 || c > 0x7E))
        {
            return ValidationProblems.Result(http,
                [new FieldError(Header, "idempotency-key.format", "Use 1–100 visible ASCII characters, e.g. a UUID.")]);
        }

        var subject = Caller.From(http).Subject;
        var hash = await HashAsync(http.Request, http.RequestAborted);
        var db = http.RequestServices.GetRequiredService<SmpkrDbContext>();
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        var stored = await FindAsync(db, subject, key, clock, http.RequestAborted);
        if (stored is not null)
        {
            return Replay(http, stored, hash);
        }

        // A key may be used again once its first response has expired.
        var expired = clock.GetUtcNow() - Retention;
        await db.IdempotentResponses
            .Where(i => i.Subject == subject && i.Key == key && i.CreatedAt <= expired)
            .ExecuteDeleteAsync(http.RequestAborted);

        http.RequestServices.GetRequiredService<Idempotency>().Current = (subject, key, hash);
        try
        {
            return await next(invocation);
        }
        catch (DbUpdateException)
        {
            // A concurrent first try with the same key committed first: answer as it did.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(db, subject, key, clock, CancellationToken.None);
            if (winner is null)
            {
                throw;
            }

            return Replay(http, winner, hash);
        }
    }

    /// <summary>Adds the stored response to the write's transaction (the caller saves and commits).</summary>
    public void Record(SmpkrDbContext db, int status, string? location, string? etag, Func<string?> body, DateTimeOffset now)
    {
        if (Current is not { } current)
        {
            return;
        }

        db.IdempotentResponses.Add(new IdempotentResponse
        {
            Subject = current.Subject,
            Key = current.Key,
            RequestHash = current.Hash,
            Status = status,
            Location = location,
            ETag = etag,
            Body = body(),
            CreatedAt = now,
        });
    }

    private static async Task<IdempotentResponse?> FindAsync(SmpkrDbContext db, string subject, string key, TimeProvider clock, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow() - Retention;
        return await db.IdempotentResponses.AsNoTracking()
            .SingleOrDefaultAsync(i => i.Subject == subject && i.Key == key && i.CreatedAt > since, cancellationToken);
    }

    private static IResult Replay(HttpContext http, IdempotentResponse stored, string hash)
    {
        if (stored.RequestHash != hash)
        {
            return Problem.Unprocessable(http,
                $"The Idempotency-Key was used for a different request at {stored.CreatedAt:u}; use a new key for a new request.",
                "idempotency-key.reused");
        }

        return new ReplayedResponse(stored);
    }

    private static async Task<string> HashAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private sealed class ReplayedResponse(IdempotentResponse stored) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = stored.Status;
            response.Headers["Idempotent-Replayed"] = "true";
            if (stored.Location is not null)
            {
                response.Headers.Location = stored.Location;
            }

            if (stored.ETag is not null)
            {
                response.Headers.ETag = stored.ETag;
            }

            if (stored.Body is not null)
            {
                response.ContentType = "application/json; charset=utf-8";
                await response.WriteAsync(stored.Body, httpContext.RequestAborted);
            }
        }
    }
}
