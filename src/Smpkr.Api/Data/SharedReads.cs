using System.Threading.Channels;

namespace Smpkr.Api.Data;

/// <summary>How many reads <see cref="SharedReads{TKey, TResult}"/> runs at once, and how many keys each takes at most.</summary>
public static class SharedReads
{
    /// <summary>
    /// At most this many reads at a time; more requests wait for the next one. Fewer readers make larger
    /// batches: register reads by code under 32 connections ran at about 7 000 req/s with one or two
    /// readers and 4 000–5 000 with four (2 cores, wrk, three runs each); two keep a slow read from
    /// holding up every request.
    /// </summary>
    public const int Readers = 2;

    /// <summary>At most this many keys in one read.</summary>
    public const int MaxBatch = 128;
}

/// <summary>
/// Point reads of many concurrent requests shared in few statements. Each request queues its key; a
/// few readers take everything queued and read it with one call of <c>readAll</c>, so thirty-two
/// clients asking at the same moment cost PostgreSQL a handful of statements instead of thirty-two
/// (most of a single-row read is the statement's round trip, not the row). A request that finds a
/// reader idle is read at once, alone: nothing waits for a batch to fill. A request joins only a read
/// that has not started yet, so it sees every change committed before it arrived.
/// </summary>
/// <typeparam name="TKey">What one request asks for.</typeparam>
/// <typeparam name="TResult">Its answer; <c>readAll</c> returns one per key, in the keys' order.</typeparam>
public sealed class SharedReads<TKey, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Func<IReadOnlyList<TKey>, Task<TResult[]>> _readAll;
    private readonly Task[] _readers;

    public SharedReads(Func<IReadOnlyList<TKey>, Task<TResult[]>> readAll)
    {
        _readAll = readAll;
        _readers = Enumerable.Range(0, SharedReads.Readers).Select(_ => Task.Run(ReadAsync)).ToArray();
    }

    private sealed record Pending(TKey Key, TaskCompletionSource<TResult> Answer);

    /// <summary>The answer for <paramref name="key"/>, read together with whatever else is queued.</summary>
    public Task<TResult> ReadAsync(TKey key, CancellationToken cancellationToken)
    {
        var pending = new Pending(key, new(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);

        return pending.Answer.Task.WaitAsync(cancellationToken);
    }

    private async Task ReadAsync()
    {
        var batch = new List<Pending>(SharedReads.MaxBatch);
        var keys = new List<TKey>(SharedReads.MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            keys.Clear();
            while (batch.Count < SharedReads.MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                keys.Add(pending.Key);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var answers = await _readAll(keys);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.TrySetResult(answers[i]);
                }
            }
            catch (Exception exception)
            {
                // Every request of the batch gets the failure (a database outage becomes their 503s).
                foreach (var pending in batch)
                {
                    pending.Answer.TrySetException(exception);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_readers);
    }
}
