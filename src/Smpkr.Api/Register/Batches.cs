using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Register;

/// <summary>
/// <c>POST /api/v1/batches</c>: NDJSON in, one result per line out, streamed both ways (the body is
/// never held whole). Lines run in chunks of <see cref="ChunkSize"/>, each chunk one transaction
/// with a savepoint per line, so a failing line changes nothing while its neighbours commit.
/// With <c>?atomic=true</c> the whole batch is one transaction: it stops at the first failure and
/// nothing is applied.
/// </summary>
public static class Batches
{
    public const string MediaType = "application/x-ndjson";
    public const int ChunkSize = 200;
    public const long MaxBodyBytes = 256L * 1024 * 1024;
    public const int MaxLineLength = 1024 * 1024;
    private const string DeferredSavepoint = "deferred_creates";

    public static void MapBatches(this RouteGroupBuilder api) =>
        api.MapPost("/batches", RunBatch)
            .WithTags("Batches")
            .Accepts<BatchLine>(MediaType)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithSummary("Run a batch of register operations (NDJSON)")
            .WithDescription(
                "One operation per line: `{\"op\": \"create\" | \"update\" | \"patch\" | \"submit\" | \"withdraw\" | \"approve\" | \"return\" | " +
                "\"deregister\" | \"request-deregistration\" | \"discard-change\" | \"recode\" | \"delete\", \"resource\": \"programmes\", \"id\"?, \"ifMatch\"?, " +
                "\"owner\"?, \"body\"?}`. The response has one result per line, in order, then a summary line. Each line succeeds or fails " +
                "on its own; with `atomic=true` the batch is all-or-nothing (status 422 when it was rolled back).");

    /// <param name="atomic">All lines in one transaction: any failure rolls every line back.</param>
    /// <param name="http">The request; the batch streams from its body while the result runs.</param>
    public static IResult RunBatch(bool? atomic, HttpContext http)
    {
        if (http.Request.ContentType is not { } type || !type.StartsWith(MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return new UnsupportedMediaTypeProblem(Problem.Create(http, StatusCodes.Status415UnsupportedMediaType,
                $"Send the batch as {MediaType}, one JSON operation per line.", "media-type.unsupported"));
        }

        return new BatchRun(atomic == true);
    }

    /// <summary>The shape of a request line (documentation; lines are read as JSON and checked one by one).</summary>
    public sealed record BatchLine
    {
        /// <summary>The operation.</summary>
        /// <example>create</example>
        [System.ComponentModel.DataAnnotations.Required]
        [System.ComponentModel.DataAnnotations.MaxLength(32)]
        [System.ComponentModel.DataAnnotations.RegularExpression("^[a-z-]+$")]
        public string? Op { get; init; }

        /// <summary>The resource, e.g. <c>programmes</c>.</summary>
        /// <example>programmes</example>
        [System.ComponentModel.DataAnnotations.Required]
        [System.ComponentModel.DataAnnotations.MaxLength(64)]
        [System.ComponentModel.DataAnnotations.RegularExpression("^[a-z-]+$")]
        public string? Resource { get; init; }

        /// <summary>The record's id (every operation but create).</summary>
        public Guid? Id { get; init; }

        /// <summary>The record's current ETag (every operation but create).</summary>
        /// <example>"3"</example>
        [System.ComponentModel.DataAnnotations.MaxLength(16)]
        [System.ComponentModel.DataAnnotations.RegularExpression("^(\"[0-9]+\"|\\*)$")]
        public string? IfMatch { get; init; }

        /// <summary>Registrar only, with create: the owning provider.</summary>
        /// <example>211950810</example>
        [System.ComponentModel.DataAnnotations.MaxLength(32)]
        [System.ComponentModel.DataAnnotations.RegularExpression("^[A-Za-z0-9-]+$")]
        public string? Owner { get; init; }

        /// <summary>The record body (create, update), merge patch (patch) or transition request (approve, return, deregister, …).</summary>
        public JsonObject? Body { get; init; }
    }

    private sealed class BatchRun(bool atomic) : IResult, IEndpointMetadataProvider
    {
        private int _succeeded;
        private int _failed;

        public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(BatchLineResult), [MediaType]));
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status422UnprocessableEntity, typeof(BatchLineResult), [MediaType]));
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status415UnsupportedMediaType, typeof(ProblemDetails), [ProblemResult.ContentType]));
        }

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var cancellationToken = httpContext.RequestAborted;
            var caller = Caller.From(httpContext);
            var json = httpContext.RequestServices.GetRequiredService<RegisterBodies>().Options;
            using var reader = new StreamReader(httpContext.Request.Body, Encoding.UTF8);
            var lines = ReadLinesAsync(reader, json, cancellationToken);
            var response = httpContext.Response;
            response.ContentType = MediaType;

            if (atomic)
            {
                var results = await RunAtomicAsync(httpContext, lines, caller, cancellationToken);
                response.StatusCode = results.All(r => r.Status < 400) ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity;
                foreach (var result in results)
                {
                    await WriteAsync(response, result, httpContext, json, cancellationToken);
                }
            }
            else
            {
                response.StatusCode = StatusCodes.Status200OK;
                var chunk = new List<(BatchOperation? Operation, BatchLineResult? Refused)>(ChunkSize);
                await foreach (var line in lines)
                {
                    chunk.Add(line);
                    if (chunk.Count == ChunkSize)
                    {
                        await RunChunkAsync(httpContext, chunk, caller, json, cancellationToken);
                        chunk.Clear();
                    }
                }

                await RunChunkAsync(httpContext, chunk, caller, json, cancellationToken);
            }

            var summary = new JsonObject
            {
                ["summary"] = new JsonObject
                {
                    ["lines"] = _succeeded + _failed,
                    ["succeeded"] = atomic && _failed > 0 ? 0 : _succeeded,
                    ["failed"] = _failed,
                    ["atomic"] = atomic,
                    ["applied"] = !atomic || _failed == 0,
                },
            };
            await response.WriteAsync(summary.ToJsonString() + "\n", cancellationToken);
        }

        private async Task RunChunkAsync(
            HttpContext http, List<(BatchOperation? Operation, BatchLineResult? Refused)> chunk, Caller caller, JsonSerializerOptions json, CancellationToken cancellationToken)
        {
            if (chunk.Count == 0)
            {
                return;
            }

            await using var scope = http.RequestServices.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SmpkrDbContext>();
            var unitOfWork = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            var targets = scope.ServiceProvider.GetServices<IBatchTarget>().ToDictionary(t => t.Resource, StringComparer.Ordinal);
            db.Database.AutoSavepointsEnabled = false;
            var results = new BatchLineResult[chunk.Count];
            var deferred = new List<int>();
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                for (var i = 0; i < chunk.Count; i++)
                {
                    var (operation, refused) = chunk[i];
                    if (refused is not null)
                    {
                        results[i] = refused;
                    }
                    else if (operation!.Op == "create" && targets.TryGetValue(operation.Resource, out var target))
                    {
                        // Creates read nothing back: collect them and save the run together.
                        if (deferred.Count == 0)
                        {
                            await transaction.CreateSavepointAsync(DeferredSavepoint, cancellationToken);
                        }

                        unitOfWork.DeferSaves = true;
                        results[i] = await target.ExecuteAsync(operation, caller, cancellationToken);
                        unitOfWork.DeferSaves = false;
                        if (results[i].Status < 400)
                        {
                            deferred.Add(i);
                        }
                    }
                    else
                    {
                        await SaveDeferredAsync(db, targets, chunk, results, deferred, caller, http, cancellationToken);
                        results[i] = await RunLineAsync(db, targets, operation, caller, http, cancellationToken);
                    }
                }

                await SaveDeferredAsync(db, targets, chunk, results, deferred, caller, http, cancellationToken);
                try
                {
                    await transaction.CommitAsync(cancellationToken);
                }
                catch (Exception e) when (e is DbUpdateException or Npgsql.NpgsqlException)
                {
                    for (var i = 0; i < results.Length; i++)
                    {
                        results[i] = results[i].Status < 400 ? NotApplied(http, results[i], "The chunk holding this line could not be committed; send it again.", 503) : results[i];
                    }
                }
            }

            foreach (var result in results)
            {
                await WriteAsync(http.Response, result, http, json, cancellationToken);
            }

            await http.Response.Body.FlushAsync(cancellationToken);
        }

        private static async Task<List<BatchLineResult>> RunAtomicAsync(
            HttpContext http, IAsyncEnumerable<(BatchOperation? Operation, BatchLineResult? Refused)> lines, Caller caller, CancellationToken cancellationToken)
        {
            await using var scope = http.RequestServices.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SmpkrDbContext>();
            var unitOfWork = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            var targets = scope.ServiceProvider.GetServices<IBatchTarget>().ToDictionary(t => t.Resource, StringComparer.Ordinal);
            db.Database.AutoSavepointsEnabled = false;
            var results = new List<BatchLineResult>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var failed = false;
            var unsaved = 0;
            await foreach (var (operation, refused) in lines)
            {
                if (failed)
                {
                    results.Add(NotApplied(http, refused ?? new BatchLineResult { Line = operation!.Line }, "Not attempted: an earlier line of this atomic batch failed.", 424));
                    continue;
                }

                BatchLineResult result;
                if (refused is not null)
                {
                    result = refused;
                }
                else if (!targets.TryGetValue(operation!.Resource, out var target))
                {
                    result = Refuse(operation.Line, http, [new FieldError("resource", "batch.unknown-resource", $"Use one of {string.Join(", ", targets.Keys)}.")]);
                }
                else
                {
                    // Nothing is kept if any line fails, so lines need no savepoints; creates are saved in runs.
                    unitOfWork.DeferSaves = operation.Op == "create";
                    if (!unitOfWork.DeferSaves && unsaved > 0)
                    {
                        await db.SaveChangesAsync(cancellationToken);
                        db.ChangeTracker.Clear();
                        unsaved = 0;
                    }

                    result = await target.ExecuteAsync(operation, caller, cancellationToken);
                    unsaved += unitOfWork.DeferSaves && result.Status < 400 ? 1 : 0;
                    unitOfWork.DeferSaves = false;
                    if (unsaved >= ChunkSize)
                    {
                        await db.SaveChangesAsync(cancellationToken);
                        db.ChangeTracker.Clear();
                        unsaved = 0;
                    }
                }

                results.Add(result);
                failed = result.Status >= 400;
            }

            if (!failed)
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return results;
            }

            await transaction.RollbackAsync(cancellationToken);
            return results.Select(r => r.Status < 400 ? NotApplied(http, r, "Not applied: another line of this atomic batch failed, so none was.", 424) : r).ToList();
        }

        /// <summary>
        /// Saves the collected creates in one go. Should that fail (a rare conflict), they are rolled
        /// back and run again one by one, so each line still gets its own outcome.
        /// </summary>
        private static async Task SaveDeferredAsync(
            SmpkrDbContext db, Dictionary<string, IBatchTarget> targets, List<(BatchOperation? Operation, BatchLineResult? Refused)> chunk,
            BatchLineResult[] results, List<int> deferred, Caller caller, HttpContext http, CancellationToken cancellationToken)
        {
            if (deferred.Count == 0)
            {
                return;
            }

            var transaction = db.Database.CurrentTransaction!;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.ReleaseSavepointAsync(DeferredSavepoint, cancellationToken);
            }
            catch (DbUpdateException)
            {
                await transaction.RollbackToSavepointAsync(DeferredSavepoint, cancellationToken);
                db.ChangeTracker.Clear();
                foreach (var i in deferred)
                {
                    results[i] = await RunLineAsync(db, targets, chunk[i].Operation!, caller, http, cancellationToken);
                }
            }

            db.ChangeTracker.Clear();
            deferred.Clear();
        }

        private static async Task<BatchLineResult> RunLineAsync(
            SmpkrDbContext db, Dictionary<string, IBatchTarget> targets, BatchOperation operation, Caller caller, HttpContext http, CancellationToken cancellationToken)
        {
            if (!targets.TryGetValue(operation.Resource, out var target))
            {
                return Refuse(operation.Line, http, [new FieldError("resource", "batch.unknown-resource", $"Use one of {string.Join(", ", targets.Keys)}.")]);
            }

            var savepoint = $"line_{operation.Line}";
            await db.Database.CurrentTransaction!.CreateSavepointAsync(savepoint, cancellationToken);
            try
            {
                var result = await target.ExecuteAsync(operation, caller, cancellationToken);
                if (result.Status >= 400)
                {
                    await db.Database.CurrentTransaction.RollbackToSavepointAsync(savepoint, cancellationToken);
                    db.ChangeTracker.Clear();
                }
                else
                {
                    await db.Database.CurrentTransaction.ReleaseSavepointAsync(savepoint, cancellationToken);
                    db.ChangeTracker.Clear();
                }

                return result;
            }
            catch (DbUpdateException)
            {
                await db.Database.CurrentTransaction.RollbackToSavepointAsync(savepoint, cancellationToken);
                db.ChangeTracker.Clear();
                return new BatchLineResult
                {
                    Line = operation.Line,
                    Status = StatusCodes.Status409Conflict,
                    Id = operation.Id,
                    Problem = Problem.Create(http, StatusCodes.Status409Conflict, "A concurrent change conflicted with this line; send it again.", "batch.conflict"),
                };
            }
        }

        private static async IAsyncEnumerable<(BatchOperation? Operation, BatchLineResult? Refused)> ReadLinesAsync(
            StreamReader reader, JsonSerializerOptions json, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var number = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } text)
            {
                number++;
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                yield return Parse(number, text, json);
            }
        }

        private static (BatchOperation?, BatchLineResult?) Parse(int number, string text, JsonSerializerOptions json)
        {
            if (text.Length > MaxLineLength)
            {
                return (null, Refuse(number, null, [new FieldError("", "batch.line-too-long", $"A line may have at most {MaxLineLength} characters.")]));
            }

            BatchLine? line;
            try
            {
                line = JsonSerializer.Deserialize<BatchLine>(text, json);
            }
            catch (JsonException e)
            {
                var unknown = e.Message.Contains("could not be mapped", StringComparison.Ordinal);
                return (null, Refuse(number, null, [unknown
                    ? new FieldError(JsonPaths.UnknownMemberPath(e), "json.unknown-field", "This field is not part of a batch line.")
                    : new FieldError(JsonPaths.ToFieldPath(e.Path), "json.invalid", "The line is not a well-formed batch operation.")]));
            }

            if (line?.Op is null || line.Resource is null)
            {
                return (null, Refuse(number, null, [new FieldError(line?.Op is null ? "op" : "resource", "value.required", "Every line names an 'op' and a 'resource'.")]));
            }

            return (new BatchOperation(number, line.Op, line.Resource, line.Id, line.IfMatch, line.Owner, line.Body), null);
        }

        private static BatchLineResult Refuse(int line, HttpContext? http, IReadOnlyCollection<FieldError> errors)
        {
            var problem = ValidationProblems.Create(errors);
            problem.Instance = http?.Request.Path ?? "/api/v1/batches";
            return new BatchLineResult { Line = line, Status = StatusCodes.Status400BadRequest, Problem = problem };
        }

        private static BatchLineResult NotApplied(HttpContext http, BatchLineResult result, string detail, int status) => result with
        {
            Status = status,
            ETag = null,
            Code = null,
            Problem = Problem.Create(http, status, detail, status == 424 ? "batch.not-applied" : "batch.not-committed"),
        };

        private async Task WriteAsync(HttpResponse response, BatchLineResult result, HttpContext http, JsonSerializerOptions json, CancellationToken cancellationToken)
        {
            if (result.Status >= 400)
            {
                _failed++;
            }
            else
            {
                _succeeded++;
            }

            var node = JsonSerializer.SerializeToNode(result with { Problem = null }, json)!.AsObject();
            if (result.Problem is { } problem)
            {
                problem.Extensions.TryAdd("traceId", Problem.TraceId(http));
                node["problem"] = JsonSerializer.SerializeToNode(problem, problem.GetType(), json);
            }

            await response.WriteAsync(node.ToJsonString(json) + "\n", cancellationToken);
        }
    }
}
