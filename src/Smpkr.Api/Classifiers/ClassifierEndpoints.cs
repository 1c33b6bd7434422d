using System.ComponentModel.DataAnnotations;
using Mapster;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Audit;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Problems;
using Smpkr.Api.Register;

namespace Smpkr.Api.Classifiers;

/// <summary>
/// Classifiers (code lists) on both APIs: everyone reads them; the registrar adds items.
/// The open-data handlers serve the same data, since classifiers hold nothing private.
/// </summary>
public static class ClassifierEndpoints
{
    private const string Tag = "Classifiers";

    public static void MapClassifiers(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/classifiers").WithTags(Tag);
        group.MapGet("/", ListClassifiers)
            .WithSummary("List classifiers")
            .WithDescription("Every classifier (code list) of the register with its item count.");
        group.MapGet("/{abbreviation}", GetClassifier)
            .WithSummary("Get a classifier with its items")
            .WithDescription("Items in force on `validAt` (default: today in Lithuania), or every item ever with `all=true`.");
        group.MapGet("/{abbreviation}/items/{code}", GetClassifierItem)
            .WithSummary("Get one classifier item")
            .WithDescription("One item by its code, whether in force or retired.");
        group.MapPost("/{abbreviation}/items", AddClassifierItem)
            .RequireAuthorization(Policies.Registrar)
            .WithSummary("Add a classifier item (registrar)")
            .WithDescription("Adds an item to a classifier. The code must be new to the classifier and the parent, when given, must exist in it.");
        group.MapClassifierManagement();
    }

    public static void MapPublishedClassifiers(this RouteGroupBuilder openData)
    {
        var group = openData.MapGroup("/classifiers").WithTags("Open data: classifiers");
        group.MapGet("/", ListClassifiers)
            .WithName("ListPublishedClassifiers")
            .WithSummary("List classifiers (open data)")
            .WithDescription("Every classifier (code list) of the register with its item count. Anonymous.");
        group.MapGet("/{abbreviation}", GetClassifier)
            .WithName("GetPublishedClassifier")
            .WithSummary("Get a classifier with its items (open data)")
            .WithDescription("Items in force on `validAt` (default: today in Lithuania), or every item ever with `all=true`. Anonymous.");
        group.MapGet("/{abbreviation}/items/{code}", GetClassifierItem)
            .WithName("GetPublishedClassifierItem")
            .WithSummary("Get one classifier item (open data)")
            .WithDescription("One item by its code, whether in force or retired. Anonymous.");
    }

    /// <param name="abbreviation">The classifier's abbreviation, e.g. <c>KL_STUDIJU_KRYPTYS</c>.</param>
    /// <param name="item">The new item.</param>
    /// <param name="db">The register database.</param>
    /// <param name="catalog">The classifier cache to refresh.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Created<ClassifierItemResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> AddClassifierItem(
        [MaxLength(ClassifierRules.AbbreviationMaxLength), RegularExpression(ClassifierRules.AbbreviationPattern)] string abbreviation,
        [FromBody] NewClassifierItem item, SmpkrDbContext db, ClassifierCatalog catalog, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = ClassifierRules.Check(item);
        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        var classifier = await db.Classifiers.AsNoTracking().SingleOrDefaultAsync(c => c.Abbreviation == abbreviation, cancellationToken);
        if (classifier is null)
        {
            return ClassifierNotFound(http, abbreviation);
        }

        var items = db.ClassifierItems.Where(i => i.ClassifierAbbreviation == classifier.Abbreviation);
        if (item.Parent is not null && !await items.AnyAsync(i => i.Code == item.Parent, cancellationToken))
        {
            return ValidationProblems.Result(http, [new FieldError("parent", "classifier.parent-unknown", $"{abbreviation} has no item '{item.Parent}'.")]);
        }

        var entity = new ClassifierItem
        {
            ClassifierAbbreviation = classifier.Abbreviation,
            Code = item.Code!,
            NameLt = item.Name!.Lt!,
            NameEn = item.Name.En,
            Description = item.Description,
            ParentCode = item.Parent,
            ValidFrom = item.ValidFrom,
            ValidTo = item.ValidTo,
            Position = (await items.MaxAsync(i => (int?)i.Position, cancellationToken) ?? 0) + 1,
        };
        db.ClassifierItems.Add(entity);
        AuditLog.Append(db, Caller.From(http), clock.GetUtcNow(), "create", "classifier-item", null,
            JsonDiff.Changes(null, new System.Text.Json.Nodes.JsonObject { ["code"] = entity.Code, ["nameLt"] = entity.NameLt, ["nameEn"] = entity.NameEn }),
            comment: $"{abbreviation} {entity.Code}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            catalog.Invalidate();
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problem.Conflict(http, $"{abbreviation} already has an item '{item.Code}'.", "classifier.item-exists");
        }

        return TypedResults.Created($"/api/v1/classifiers/{abbreviation}/items/{Uri.EscapeDataString(entity.Code)}", entity.Adapt<ClassifierItemResponse>());
    }

    /// <param name="db">The register database.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Ok<List<ClassifierSummary>>> ListClassifiers(SmpkrDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Classifiers.AsNoTracking()
            .OrderBy(c => c.Abbreviation)
            .ProjectToType<ClassifierSummary>()
            .ToListAsync(cancellationToken));

    /// <param name="abbreviation">The classifier's abbreviation, e.g. <c>KL_STUDIJU_KRYPTYS</c>.</param>
    /// <param name="validAt">Only items in force on this day (YYYY-MM-DD); default today in Lithuania.</param>
    /// <param name="all">Every item, retired and future ones included; cannot be combined with validAt.</param>
    /// <param name="db">The register database.</param>
    /// <param name="clock">The clock that says what today is.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<ClassifierResponse>, NotFoundProblem, ValidationProblem>> GetClassifier(
        [MaxLength(ClassifierRules.AbbreviationMaxLength), RegularExpression(ClassifierRules.AbbreviationPattern)] string abbreviation,
        DateOnly? validAt, bool? all, SmpkrDbContext db, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        if (validAt is not null && all == true)
        {
            return ValidationProblems.Result(http, [new FieldError("all", "query.conflict", "Use either validAt or all=true, not both.")]);
        }

        var classifier = await db.Classifiers.AsNoTracking().SingleOrDefaultAsync(c => c.Abbreviation == abbreviation, cancellationToken);
        if (classifier is null)
        {
            return ClassifierNotFound(http, abbreviation);
        }

        DateOnly? day = all == true ? null : validAt ?? clock.TodayInLithuania();
        var items = db.ClassifierItems.AsNoTracking().Where(i => i.ClassifierAbbreviation == classifier.Abbreviation);
        if (day is { } d)
        {
            items = items.Where(i => (i.ValidFrom == null || i.ValidFrom <= d) && (i.ValidTo == null || i.ValidTo >= d));
        }

        var list = await items.OrderBy(i => i.Position).ThenBy(i => i.Code).ProjectToType<ClassifierItemResponse>().ToListAsync(cancellationToken);
        return TypedResults.Ok(new ClassifierResponse
        {
            Abbreviation = classifier.Abbreviation,
            Name = new LocalizedText(classifier.NameLt, classifier.NameEn),
            Description = classifier.Description,
            ValidAt = day,
            Items = list,
        });
    }

    /// <param name="abbreviation">The classifier's abbreviation, e.g. <c>KL_LTKS</c>.</param>
    /// <param name="code">The item's code, e.g. <c>VI</c>.</param>
    /// <param name="db">The register database.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<ClassifierItemResponse>, NotFoundProblem>> GetClassifierItem(
        [MaxLength(ClassifierRules.AbbreviationMaxLength), RegularExpression(ClassifierRules.AbbreviationPattern)] string abbreviation,
        [MaxLength(ClassifierRules.CodeMaxLength), RegularExpression(ClassifierRules.CodePattern)] string code,
        SmpkrDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var item = await db.ClassifierItems.AsNoTracking()
            .Where(i => i.ClassifierAbbreviation == abbreviation && i.Code == code)
            .ProjectToType<ClassifierItemResponse>()
            .SingleOrDefaultAsync(cancellationToken);
        if (item is null)
        {
            return Problem.NotFound(http, $"Classifier '{abbreviation}' has no item '{code}'.", "classifier.item-not-found");
        }

        http.Response.Headers.ETag = $"\"{item.Revision}\"";
        return TypedResults.Ok(item);
    }

    private static NotFoundProblem ClassifierNotFound(HttpContext http, string abbreviation) =>
        Problem.NotFound(http, $"There is no classifier '{abbreviation}'. GET /classifiers lists them.", "classifier.not-found");
}

/// <summary>Entity → response mappings for classifiers, compiled and checked by a unit test.</summary>
public sealed class ClassifierMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<Classifier, ClassifierSummary>()
            .Map(d => d.Name, s => new LocalizedText(s.NameLt, s.NameEn))
            .Map(d => d.ItemCount, s => s.Items.Count);
        config.NewConfig<ClassifierItem, ClassifierItemResponse>()
            .Map(d => d.Name, s => new LocalizedText(s.NameLt, s.NameEn))
            .Map(d => d.Parent, s => s.ParentCode);
    }
}
