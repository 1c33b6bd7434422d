using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Audit;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Problems;
using Smpkr.Api.Register;

namespace Smpkr.Api.Providers;

/// <summary>Providers: every authenticated caller reads them; the registrar manages them.</summary>
public static class ProviderEndpoints
{
    public static void MapProviders(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/providers").WithTags("Providers");
        group.MapGet("/", ListProviders)
            .WithSummary("List providers")
            .WithDescription("Institutions that submit data, ordered by code, keyset-paginated.");
        group.MapGet("/{code}", GetProvider)
            .WithSummary("Get a provider")
            .WithDescription("One provider with the kinds of object it may submit.");
        group.MapPost("/", CreateProvider).RequireAuthorization(Policies.Registrar)
            .WithSummary("Add a provider (registrar)")
            .WithDescription("Adds an institution that may submit data.");
        group.MapPut("/{code}", ReplaceProvider).RequireAuthorization(Policies.Registrar)
            .WithSummary("Change a provider (registrar)")
            .WithDescription("Replaces a provider's details (not its code). Needs If-Match.");
    }

    /// <param name="type">Only providers of these types (repeatable).</param>
    /// <param name="cursor">Opaque cursor from the previous page's <c>next</c>.</param>
    /// <param name="limit">Page size, 1–500 (default 50).</param>
    /// <param name="db">The register database.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<Page<ProviderResponse>>, ValidationProblem>> ListProviders(
        string[]? type, string? cursor, int? limit, SmpkrDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var size = Pages.Limit(limit, errors);
        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        var query = db.Providers.AsNoTracking();
        if (type is { Length: > 0 })
        {
            query = query.Where(p => type.Contains(p.Type));
        }

        if (cursor is not null)
        {
            query = query.Where(p => p.Code.CompareTo(cursor) > 0);
        }

        var providers = await query.OrderBy(p => p.Code).Take(size + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<ProviderResponse>
        {
            Items = providers.Take(size).Select(ProviderResponse.From).ToList(),
            Next = providers.Count > size ? Pages.Next(http, providers[size - 1].Code) : null,
        });
    }

    /// <param name="code">The provider's code.</param>
    /// <param name="db">The register database.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<ProviderResponse>, NotFoundProblem>> GetProvider(
        [MaxLength(32), RegularExpression(ProviderRules.CodePattern)] string code, SmpkrDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var provider = await db.Providers.AsNoTracking().SingleOrDefaultAsync(p => p.Code == code, cancellationToken);
        if (provider is null)
        {
            return Problem.NotFound(http, $"No provider has the code '{code}'.", "provider.not-found");
        }

        http.Response.Headers.ETag = $"\"{provider.Revision}\"";
        return TypedResults.Ok(ProviderResponse.From(provider));
    }

    /// <param name="input">The new provider.</param>
    /// <param name="db">The register database.</param>
    /// <param name="classifiers">Classifiers for checking the type.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Created<ProviderResponse>, ValidationProblem, ConflictProblem>> CreateProvider(
        [FromBody] ProviderInput input, SmpkrDbContext db, ClassifierCatalog classifiers, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        var check = new ContentCheck(await classifiers.GetAsync(cancellationToken), clock.TodayInLithuania());
        ProviderRules.Check(input, creating: true, check);
        if (check.Errors.Count > 0)
        {
            return ValidationProblems.Result(http, check.Errors);
        }

        if (await db.Providers.AnyAsync(p => p.Code == input.Code, cancellationToken))
        {
            return Problem.Conflict(http, $"A provider with the code '{input.Code}' exists.", "provider.exists");
        }

        var now = clock.GetUtcNow();
        var provider = new Provider
        {
            Code = input.Code!,
            CodeType = input.CodeType!,
            NameLt = input.Name!.Lt!,
            NameEn = input.Name.En,
            Type = input.Type!,
            Kinds = [.. input.Kinds ?? []],
            Address = input.Address,
            Revision = 1,
            UpdatedAt = now,
        };
        db.Providers.Add(provider);
        var response = ProviderResponse.From(provider);
        AuditLog.Append(db, Caller.From(http), now, "create", "provider", provider.Code, JsonDiff.Changes(null, Snapshot(response)), revision: 1);
        await db.SaveChangesAsync(cancellationToken);
        http.Response.Headers.ETag = $"\"{provider.Revision}\"";
        return TypedResults.Created($"/api/v1/providers/{provider.Code}", response);
    }

    /// <param name="code">The provider's code.</param>
    /// <param name="input">The provider's new details.</param>
    /// <param name="ifMatch">The provider's current ETag.</param>
    /// <param name="db">The register database.</param>
    /// <param name="classifiers">Classifiers for checking the type.</param>
    /// <param name="changeLog">Republishes the provider's published records when its name or type changes.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<ProviderResponse>, ValidationProblem, RegisterProblem>> ReplaceProvider(
        [MaxLength(32), RegularExpression(ProviderRules.CodePattern)] string code, [FromBody] ProviderInput input, [FromHeader(Name = "If-Match")] string? ifMatch,
        SmpkrDbContext db, ClassifierCatalog classifiers, IChangeLog changeLog, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        var check = new ContentCheck(await classifiers.GetAsync(cancellationToken), clock.TodayInLithuania());
        ProviderRules.Check(input, creating: false, check);
        if (input.Code is not null && input.Code != code)
        {
            check.Add("code", "provider.code-immutable", "A provider's code does not change.");
        }

        if (check.Errors.Count > 0)
        {
            return ValidationProblems.Result(http, check.Errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var provider = await db.Providers.FromSql($"SELECT * FROM providers WHERE code = {code} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (provider is null)
        {
            return Problem.Missing(http, $"No provider has the code '{code}'.", "provider.not-found");
        }

        switch (IfMatch.Check(http, ifMatch, provider.Revision, "provider"))
        {
            case ({ } precondition, _):
                return precondition;
            case (_, { } malformed):
                return ValidationProblems.Result(http, [malformed]);
        }

        var before = Snapshot(ProviderResponse.From(provider));
        var published = provider.NameLt != input.Name!.Lt || provider.NameEn != input.Name.En || provider.Type != input.Type;
        var now = clock.GetUtcNow();
        provider.CodeType = input.CodeType!;
        provider.NameLt = input.Name!.Lt!;
        provider.NameEn = input.Name.En;
        provider.Type = input.Type!;
        provider.Kinds = [.. input.Kinds ?? []];
        provider.Address = input.Address;
        provider.Revision++;
        provider.UpdatedAt = now;
        var response = ProviderResponse.From(provider);
        AuditLog.Append(db, Caller.From(http), now, "edit", "provider", provider.Code, JsonDiff.Changes(before, Snapshot(response)), revision: provider.Revision);
        await db.SaveChangesAsync(cancellationToken);
        if (published)
        {
            // Published records show their provider's name and type: each becomes a 'changed' feed entry in this transaction.
            var records = await db.Records
                .FromSql($"SELECT * FROM register_records WHERE owner = {code} AND current_version IS NOT NULL ORDER BY id FOR UPDATE")
                .AsNoTracking().ToListAsync(cancellationToken);
            foreach (var record in records)
            {
                await changeLog.AppendAsync(db, record, ChangeOps.Changed, null, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        http.Response.Headers.ETag = $"\"{provider.Revision}\"";
        return TypedResults.Ok(response);
    }

    private static JsonObject Snapshot(ProviderResponse response) =>
        JsonSerializer.SerializeToNode(response with { Revision = 0 }, JsonSerializerOptions.Web)!.AsObject();
}
