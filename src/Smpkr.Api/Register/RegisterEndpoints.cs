using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Smpkr.Api.Audit;
using Smpkr.Api.Auth;
using Smpkr.Api.Problems;
using Smpkr.Api.Search;

namespace Smpkr.Api.Register;

/// <summary>
/// The endpoints every register object type has (spec/api.md "Register API"), mapped once per type:
/// list, create, read by id or code, PUT, merge-PATCH, DELETE of never-registered drafts, the
/// lifecycle transitions, versions, dry-run validation and the record's audit trail.
/// </summary>
public static class RegisterEndpoints
{
    public static RouteGroupBuilder MapRegisterResource<TBody>(this RouteGroupBuilder api, RegisterType<TBody> type, string plural)
        where TBody : class
    {
        var group = api.MapGroup("/" + type.Resource).WithTags(plural);
        var one = type.Singular;
        var noun = type.Noun;
        group.MapGet("/", RegisterHandlers<TBody>.List).WithName($"List{plural}")
            .WithSummary($"Search {type.Resource}")
            .WithDescription($"Full-text search, filters, facets and keyset paging over the {type.Resource} the caller may see: providers see their own and every registered one. " +
                "Repeating a filter means any of its values; different filters must all hold. An unknown parameter or value is a 400 naming it.");
        group.MapPost("/", RegisterHandlers<TBody>.Create).WithName($"Create{one}")
            .Accepts<TBody>(RegisterBodies.Json)
            .AddEndpointFilter(Idempotency.FilterAsync)
            .WithSummary($"Create a {noun} draft")
            .WithDescription($"Creates a draft owned by the caller's provider (the registrar names the owner). The body is validated in full. Send Idempotency-Key to make retries safe.");
        group.MapPost("/validate", RegisterHandlers<TBody>.Validate).WithName($"Validate{one}")
            .Accepts<TBody>(RegisterBodies.Json)
            .WithSummary($"Validate a {noun} (dry run)")
            .WithDescription("Runs every check a write would run and answers with the same problem document; nothing is stored.");
        group.MapGet("/by-code/{code}", RegisterHandlers<TBody>.GetByCode).WithName($"Get{one}ByCode")
            .WithSummary($"Get a {noun} by state code or alias")
            .WithDescription("Finds the record by its state code or any alias (an old code after recoding).");
        group.MapGet("/{id:guid}", RegisterHandlers<TBody>.Get).WithName($"Get{one}")
            .WithSummary($"Get a {noun}")
            .WithDescription("The record with its registered content and, for its owner and the registrar, its pending change. ETag and Last-Modified come with it.");
        group.MapPut("/{id:guid}", RegisterHandlers<TBody>.Replace).WithName($"Replace{one}")
            .Accepts<TBody>(RegisterBodies.Json)
            .WithSummary($"Replace a {noun}'s draft or pending change")
            .WithDescription("Edits a draft, or creates or edits the pending change of a registered record (the registered version stays in force). Needs If-Match.");
        group.MapPatch("/{id:guid}", RegisterHandlers<TBody>.Patch).WithName($"Patch{one}")
            .Accepts<TBody>(RegisterBodies.MergePatch)
            .WithSummary($"Merge-patch a {noun}'s draft or pending change")
            .WithDescription("RFC 7396 merge patch onto the draft (or the registered content, starting a pending change): objects merge, null removes a field. Needs If-Match.");
        group.MapDelete("/{id:guid}", RegisterHandlers<TBody>.Delete).WithName($"Delete{one}")
            .WithSummary($"Delete a never-registered {noun} draft")
            .WithDescription("Only a draft that was never registered can be deleted; registered records are deregistered instead (409). Needs If-Match.");
        MapTransition(group, $"Submit{one}", "submit", RegisterHandlers<TBody>.Submit,
            $"Submit a {noun}", "Sends a draft or pending change to the registrar; it is validated in full again.");
        MapTransition(group, $"Withdraw{one}", "withdraw", RegisterHandlers<TBody>.Withdraw,
            $"Withdraw a {noun} submission", "Takes a submission back into editing.");
        MapTransition(group, $"Approve{one}", "approve", RegisterHandlers<TBody>.Approve,
            $"Approve a {noun} (registrar)", "Registers a draft or submission (the state code is assigned), or makes the pending change a new version in force from validFrom.");
        MapTransition(group, $"Return{one}", "return", RegisterHandlers<TBody>.Return,
            $"Return a {noun} submission (registrar)", "Sends a submission back to its provider with a comment.");
        MapTransition(group, $"Deregister{one}", "deregister", RegisterHandlers<TBody>.Deregister,
            $"Deregister a {noun} (registrar)", "Ends a registered record with a date and reason, optionally naming its successor. The record and its versions stay readable.");
        MapTransition(group, $"RequestDeregistrationOf{one}", "request-deregistration", RegisterHandlers<TBody>.RequestDeregistration,
            $"Request deregistration of a {noun}", "The owner asks the registrar to deregister a registered record.");
        MapTransition(group, $"Recode{one}", "recode", RegisterHandlers<TBody>.Recode,
            $"Give a {noun} a new state code (registrar)", "The old code becomes an alias: lookups by it still find the record, which shows its canonical code.");
        MapTransition(group, $"DiscardChangeOf{one}", "discard-change", RegisterHandlers<TBody>.DiscardChange,
            $"Discard a {noun}'s pending change", "Drops the pending change; the registered version is untouched.");
        group.MapGet("/{id:guid}/versions", RegisterHandlers<TBody>.Versions).WithName($"List{one}Versions")
            .WithSummary($"List a {noun}'s versions")
            .WithDescription("Every registered version, oldest first, with its validity; and the pending change for those who may see it.");
        group.MapGet("/{id:guid}/versions/{number:int}", RegisterHandlers<TBody>.Version).WithName($"Get{one}Version")
            .WithSummary($"Get one version of a {noun}")
            .WithDescription("One registered version with its validity.");
        group.MapGet("/{id:guid}/lineage", RegisterHandlers<TBody>.Lineage).WithName($"Get{one}Lineage")
            .WithSummary($"A {noun}'s lineage")
            .WithDescription("Predecessors and successors through supersededBy, transitively, and the record that is current at the end of the chain: an old code resolves to its current equivalent.");
        group.MapGet("/{id:guid}/audit", RegisterHandlers<TBody>.Audit).WithName($"Get{one}Audit")
            .WithSummary($"A {noun}'s audit trail")
            .WithDescription("Every write and transition of the record, oldest first: its owner, the registrar and auditors may read it.");
        return group;
    }

    private static void MapTransition(RouteGroupBuilder group, string name, string path, Delegate handler, string summary, string description) =>
        group.MapPost($"/{{id:guid}}/{path}", handler).WithName(name)
            .AddEndpointFilter(Idempotency.FilterAsync)
            .WithSummary(summary)
            .WithDescription(description + " Needs If-Match; Idempotency-Key makes retries safe.");
}

/// <summary>The handlers behind <see cref="RegisterEndpoints"/>, for one type of object.</summary>
public static class RegisterHandlers<TBody>
    where TBody : class
{
    /// <param name="query">Search text, filters, order, facets and paging.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="classifiers">Classifier values the filters are checked against.</param>
    /// <param name="types">The searchable types.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<SearchPage<RecordResponse<TBody>>>, ValidationProblem>> List(
        [AsParameters] SearchQuery query, RegisterRecords<TBody> records, ClassifierCatalog classifiers, SearchableTypes types,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var request = SearchRequest.Parse(query, types.Get(records.Type.ObjectType), await classifiers.GetAsync(cancellationToken), errors);
        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        return TypedResults.Ok(await records.ListAsync(request, Caller.From(http), cursor => Pages.Next(http, cursor), cancellationToken));
    }

    /// <param name="owner">Registrar only: the provider that will own the record (a provider always owns what it creates).</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response instead of creating twice.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Created<RecordResponse<TBody>>, ValidationProblem, RegisterProblem, UnsupportedMediaTypeProblem>> Create(
        [MaxLength(32), RegularExpression("^[A-Za-z0-9-]+$")] string? owner, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var (body, problem) = await RegisterBodies.ReadObjectAsync(http.Request, RegisterBodies.Json, cancellationToken);
        if (body is null)
        {
            return AsCreateProblem(problem!);
        }

        var outcome = await records.CreateAsync(body, owner, Caller.From(http), cancellationToken);
        if (outcome.Problem is { } refused)
        {
            return refused;
        }

        if (outcome.Errors is { } errors)
        {
            return ValidationProblems.Result(http, errors);
        }

        var created = outcome.Value!;
        SetRecordHeaders(http, created);
        return TypedResults.Created($"/api/v1/{records.Type.Resource}/{created.Id}", created);
    }

    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<TBody>, ValidationProblem, UnsupportedMediaTypeProblem>> Validate(
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var (body, problem) = await RegisterBodies.ReadObjectAsync(http.Request, RegisterBodies.Json, cancellationToken);
        if (body is null)
        {
            return problem switch
            {
                ValidationProblem validation => validation,
                _ => (UnsupportedMediaTypeProblem)problem!,
            };
        }

        var outcome = await records.ValidateAsync(body, cancellationToken);
        return outcome.Errors is { } errors ? ValidationProblems.Result(http, errors) : TypedResults.Ok(outcome.Value!);
    }

    /// <param name="id">The record's id.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, NotFoundProblem>> Get(
        Guid id, RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken) =>
        RespondRead(http, await records.GetAsync(id, Caller.From(http), cancellationToken));

    /// <param name="code">State code or alias, e.g. <c>6121BX028</c>.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, NotFoundProblem>> GetByCode(
        [MaxLength(32), RegularExpression("^[A-Za-z0-9]+$")] string code, RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await records.GetByCodeAsync(code, Caller.From(http), cancellationToken);
        if (outcome.Value is { Code: { } canonical } && canonical != code)
        {
            // Found by an alias: say which code is the record's own.
            http.Response.Headers.Link = $"</api/v1/{records.Type.Resource}/by-code/{canonical}>; rel=\"canonical\"";
        }

        return RespondRead(http, outcome);
    }

    /// <param name="id">The record's id.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem, UnsupportedMediaTypeProblem>> Replace(
        Guid id, [FromHeader(Name = "If-Match")] string? ifMatch, RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var (body, problem) = await RegisterBodies.ReadObjectAsync(http.Request, RegisterBodies.Json, cancellationToken);
        return body is null
            ? AsWriteProblem(problem!)
            : Widen(Respond(http, await records.ReplaceAsync(id, body, ifMatch, Caller.From(http), cancellationToken)));
    }

    /// <param name="id">The record's id.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem, UnsupportedMediaTypeProblem>> Patch(
        Guid id, [FromHeader(Name = "If-Match")] string? ifMatch, RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var (body, problem) = await RegisterBodies.ReadObjectAsync(http.Request, RegisterBodies.MergePatch, cancellationToken);
        return body is null
            ? AsWriteProblem(problem!)
            : Widen(Respond(http, await records.PatchAsync(id, body, ifMatch, Caller.From(http), cancellationToken)));
    }

    /// <param name="id">The record's id.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<NoContent, ValidationProblem, RegisterProblem>> Delete(
        Guid id, [FromHeader(Name = "If-Match")] string? ifMatch, RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await records.DeleteAsync(id, ifMatch, Caller.From(http), cancellationToken);
        return outcome.Problem is { } problem ? problem
            : outcome.Errors is { } errors ? ValidationProblems.Result(http, errors)
            : TypedResults.NoContent();
    }

    /// <param name="id">The record's id.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem>> Submit(
        Guid id, [FromHeader(Name = "If-Match")] string? ifMatch, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken) =>
        Respond(http, await records.SubmitAsync(id, ifMatch, Caller.From(http), cancellationToken));

    /// <param name="id">The record's id.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem>> Withdraw(
        Guid id, [FromHeader(Name = "If-Match")] string? ifMatch, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken) =>
        Respond(http, await records.WithdrawAsync(id, ifMatch, Caller.From(http), cancellationToken));

    /// <param name="id">The record's id.</param>
    /// <param name="request">When the version comes into force (default today) and a note.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem>> Approve(
        Guid id, [FromBody] ApproveRequest? request, [FromHeader(Name = "If-Match")] string? ifMatch,
        [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken) =>
        Respond(http, await records.ApproveAsync(id, request ?? new ApproveRequest(), ifMatch, Caller.From(http), cancellationToken));

    /// <param name="id">The record's id.</param>
    /// <param name="request">What the provider has to correct.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem>> Return(
        Guid id, [FromBody] ReturnRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken) =>
        Respond(http, await records.ReturnAsync(id, request, ifMatch, Caller.From(http), cancellationToken));

    /// <param name="id">The record's id.</param>
    /// <param name="request">Date, reason and optional successor.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem>> Deregister(
        Guid id, [FromBody] DeregisterRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken) =>
        Respond(http, await records.DeregisterAsync(id, request, ifMatch, Caller.From(http), cancellationToken));

    /// <param name="id">The record's id.</param>
    /// <param name="request">Reason, wished date and explanation.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem>> RequestDeregistration(
        Guid id, [FromBody] DeregistrationRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken) =>
        Respond(http, await records.RequestDeregistrationAsync(id, request, ifMatch, Caller.From(http), cancellationToken));

    /// <param name="id">The record's id.</param>
    /// <param name="request">The new code and when it starts.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem>> Recode(
        Guid id, [FromBody] RecodeRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken) =>
        Respond(http, await records.RecodeAsync(id, request, ifMatch, Caller.From(http), cancellationToken));

    /// <param name="id">The record's id.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<LineageResponse>, RegisterProblem>> Lineage(
        Guid id, RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await records.LineageAsync(id, Caller.From(http), cancellationToken);
        return outcome.Problem is { } problem ? problem : TypedResults.Ok(outcome.Value!);
    }

    /// <param name="id">The record's id.</param>
    /// <param name="ifMatch">The record's current ETag.</param>
    /// <param name="idempotencyKey">Makes a retry replay the first response.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem>> DiscardChange(
        Guid id, [FromHeader(Name = "If-Match")] string? ifMatch, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken) =>
        Respond(http, await records.DiscardChangeAsync(id, ifMatch, Caller.From(http), cancellationToken));

    /// <param name="id">The record's id.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<VersionsResponse<TBody>>, NotFoundProblem>> Versions(
        Guid id, RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await records.VersionsAsync(id, Caller.From(http), cancellationToken);
        return outcome.Problem is { } problem ? new NotFoundProblem(problem.Value) : TypedResults.Ok(outcome.Value!);
    }

    /// <param name="id">The record's id.</param>
    /// <param name="number">Version number, from 1.</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<VersionResponse<TBody>>, NotFoundProblem>> Version(
        Guid id, int number, RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await records.VersionsAsync(id, Caller.From(http), cancellationToken);
        if (outcome.Problem is { } problem)
        {
            return new NotFoundProblem(problem.Value);
        }

        var found = outcome.Value!.Items.FirstOrDefault(v => v.Version == number);
        return found is null
            ? Problem.NotFound(http, $"The record has no registered version {number}.", "version.not-found")
            : TypedResults.Ok(found);
    }

    /// <param name="id">The record's id.</param>
    /// <param name="cursor">Opaque cursor from the previous page's <c>next</c>.</param>
    /// <param name="limit">Page size, 1–500 (default 50).</param>
    /// <param name="records">The register machinery.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<Page<AuditEntryResponse>>, ValidationProblem, NotFoundProblem>> Audit(
        Guid id, string? cursor, int? limit, RegisterRecords<TBody> records, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var after = Pages.SequenceCursor(cursor, errors);
        var size = Pages.Limit(limit, errors);
        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        var outcome = await records.AuditAsync(id, Caller.From(http), after, size,
            last => Pages.Next(http, last.ToString(CultureInfo.InvariantCulture)), cancellationToken);
        return outcome.Problem is { } problem ? new NotFoundProblem(problem.Value) : TypedResults.Ok(outcome.Value!);
    }

    private static Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem> Respond(
        HttpContext http, Outcome<RecordResponse<TBody>> outcome)
    {
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        if (outcome.Errors is { } errors)
        {
            return ValidationProblems.Result(http, errors);
        }

        SetRecordHeaders(http, outcome.Value!);
        return TypedResults.Ok(outcome.Value!);
    }

    /// <summary>Reads refuse only with 404 (what the caller may not see does not exist for it).</summary>
    private static Results<Ok<RecordResponse<TBody>>, NotFoundProblem> RespondRead(HttpContext http, Outcome<RecordResponse<TBody>> outcome)
    {
        if (outcome.Problem is { } problem)
        {
            return new NotFoundProblem(problem.Value);
        }

        SetRecordHeaders(http, outcome.Value!);
        return TypedResults.Ok(outcome.Value!);
    }

    private static void SetRecordHeaders(HttpContext http, RecordResponse<TBody> record)
    {
        http.Response.Headers.ETag = $"\"{record.Revision}\"";
        http.Response.Headers.LastModified = record.UpdatedAt.ToString("R", CultureInfo.InvariantCulture);
    }

    private static Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem, UnsupportedMediaTypeProblem> Widen(
        Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem> result) => result.Result switch
        {
            Ok<RecordResponse<TBody>> ok => ok,
            ValidationProblem validation => validation,
            RegisterProblem problem => problem,
            _ => throw new InvalidOperationException("Unexpected result."),
        };

    private static Results<Ok<RecordResponse<TBody>>, ValidationProblem, RegisterProblem, UnsupportedMediaTypeProblem> AsWriteProblem(IResult problem) => problem switch
    {
        ValidationProblem validation => validation,
        UnsupportedMediaTypeProblem media => media,
        _ => throw new InvalidOperationException("Unexpected result."),
    };

    private static Results<Created<RecordResponse<TBody>>, ValidationProblem, RegisterProblem, UnsupportedMediaTypeProblem> AsCreateProblem(IResult problem) => problem switch
    {
        ValidationProblem validation => validation,
        UnsupportedMediaTypeProblem media => media,
        _ => throw new InvalidOperationException("Unexpected result."),
    };
}
