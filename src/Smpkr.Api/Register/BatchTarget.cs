using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Smpkr.Api.Auth;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Register;

/// <summary>One line of a batch: an operation on one record of one resource.</summary>
public sealed record BatchOperation(int Line, string Op, string Resource, Guid? Id, string? IfMatch, string? Owner, JsonObject? Body);

/// <summary>The outcome of one batch line.</summary>
public sealed record BatchLineResult
{
    /// <summary>The line number in the request, from 1.</summary>
    [Range(1, int.MaxValue)]
    public int Line { get; init; }

    /// <summary>The HTTP status the operation would have had on its own (424: not applied because an atomic batch failed).</summary>
    /// <example>201</example>
    [Range(100, 599)]
    public int Status { get; init; }

    /// <summary>The record's id.</summary>
    public Guid? Id { get; init; }

    /// <summary>The record's ETag after the operation.</summary>
    /// <example>"1"</example>
    [MaxLength(16)]
    [RegularExpression("^\"[0-9]+\"$")]
    [System.Text.Json.Serialization.JsonPropertyName("etag")]
    public string? ETag { get; init; }

    /// <summary>The record's state code, once registered.</summary>
    /// <example>6121BX028</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Z0-9]+$")]
    public string? Code { get; init; }

    /// <summary>Why the operation failed.</summary>
    public ProblemDetails? Problem { get; init; }
}

/// <summary>A register resource that batch lines can address.</summary>
public interface IBatchTarget
{
    string Resource { get; }

    Task<BatchLineResult> ExecuteAsync(BatchOperation operation, Caller caller, CancellationToken cancellationToken);
}

/// <summary>Maps batch operations onto a register type's writes, one line at a time.</summary>
public sealed class RegisterBatchTarget<TBody>(RegisterRecords<TBody> records, RegisterBodies bodies, IHttpContextAccessor http) : IBatchTarget
    where TBody : class
{
    public static readonly IReadOnlyList<string> Operations =
        ["create", "update", "patch", "submit", "withdraw", "approve", "return", "deregister", "request-deregistration", "discard-change", "recode", "delete"];

    public string Resource => records.Type.Resource;

    public async Task<BatchLineResult> ExecuteAsync(BatchOperation operation, Caller caller, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (!Operations.Contains(operation.Op))
        {
            return Invalid(operation, [new FieldError("op", "batch.unknown-op", $"Use one of {string.Join(", ", Operations)}.")]);
        }

        if (operation.Op != "create" && operation.Id is null)
        {
            errors.Add(new FieldError("id", "value.required", $"'{operation.Op}' needs the record's id."));
        }

        if (operation.Op is "create" or "update" or "patch" or "return" or "deregister" or "request-deregistration" or "recode" && operation.Body is null)
        {
            errors.Add(new FieldError("body", "value.required", $"'{operation.Op}' needs a body."));
        }

        if (errors.Count > 0)
        {
            return Invalid(operation, errors);
        }

        var id = operation.Id ?? Guid.Empty;
        var ifMatch = operation.IfMatch;
        var outcome = operation.Op switch
        {
            "create" => await records.CreateAsync(operation.Body!, operation.Owner, caller, cancellationToken),
            "update" => await records.ReplaceAsync(id, operation.Body!, ifMatch, caller, cancellationToken),
            "patch" => await records.PatchAsync(id, operation.Body!, ifMatch, caller, cancellationToken),
            "submit" => await records.SubmitAsync(id, ifMatch, caller, cancellationToken),
            "withdraw" => await records.WithdrawAsync(id, ifMatch, caller, cancellationToken),
            "discard-change" => await records.DiscardChangeAsync(id, ifMatch, caller, cancellationToken),
            "delete" => await records.DeleteAsync(id, ifMatch, caller, cancellationToken),
            "approve" => Bind<ApproveRequest>(operation.Body ?? [], errors) is { } approve
                ? await records.ApproveAsync(id, approve, ifMatch, caller, cancellationToken) : errors,
            "return" => Bind<ReturnRequest>(operation.Body!, errors) is { } back
                ? await records.ReturnAsync(id, back, ifMatch, caller, cancellationToken) : errors,
            "deregister" => Bind<DeregisterRequest>(operation.Body!, errors) is { } end
                ? await records.DeregisterAsync(id, end, ifMatch, caller, cancellationToken) : errors,
            "request-deregistration" => Bind<DeregistrationRequest>(operation.Body!, errors) is { } ask
                ? await records.RequestDeregistrationAsync(id, ask, ifMatch, caller, cancellationToken) : errors,
            "recode" => Bind<RecodeRequest>(operation.Body!, errors) is { } recode
                ? await records.RecodeAsync(id, recode, ifMatch, caller, cancellationToken) : errors,
            _ => throw new InvalidOperationException($"Operation '{operation.Op}' is listed but not handled."),
        };

        if (outcome.Problem is { } problem)
        {
            return new BatchLineResult { Line = operation.Line, Status = problem.StatusCode ?? 500, Id = operation.Id, Problem = problem.Value };
        }

        if (outcome.Errors is { } invalid)
        {
            return Invalid(operation, invalid);
        }

        var record = outcome.Value!;
        return operation.Op == "delete"
            ? new BatchLineResult { Line = operation.Line, Status = StatusCodes.Status204NoContent, Id = id }
            : new BatchLineResult
            {
                Line = operation.Line,
                Status = operation.Op == "create" ? StatusCodes.Status201Created : StatusCodes.Status200OK,
                Id = record.Id,
                ETag = $"\"{record.Revision}\"",
                Code = record.Code,
            };
    }

    private T? Bind<T>(JsonObject body, List<FieldError> errors)
        where T : class => bodies.Bind<T>(body, [], errors);

    private BatchLineResult Invalid(BatchOperation operation, IReadOnlyCollection<FieldError> errors)
    {
        var problem = ValidationProblems.Create(errors);
        problem.Instance = http.HttpContext?.Request.Path;
        return new BatchLineResult { Line = operation.Line, Status = StatusCodes.Status400BadRequest, Id = operation.Id, Problem = problem };
    }
}
