using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Audit;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Hosting;
using Smpkr.Api.Problems;
using Smpkr.Api.Register;

namespace Smpkr.Api.Classifiers;

/// <summary>What loading a classifier CSV did, or would do in a dry run.</summary>
public sealed record ClassifierLoadReport
{
    /// <summary>True when nothing was stored.</summary>
    public bool DryRun { get; init; }

    /// <summary>Codes of the items added.</summary>
    [MaxLength(10000)]
    [Items(64, ClassifierRules.CodePattern)]
    public required IReadOnlyList<string> Added { get; init; }

    /// <summary>Items changed, with their changed fields (before and after).</summary>
    [MaxLength(10000)]
    public required IReadOnlyList<ClassifierItemChange> Changed { get; init; }

    /// <summary>How many rows matched the stored item exactly.</summary>
    [Range(0, int.MaxValue)]
    public int Unchanged { get; init; }
}

/// <summary>One changed item of a load.</summary>
public sealed record ClassifierItemChange
{
    /// <summary>The item's code.</summary>
    /// <example>B01</example>
    [MaxLength(64)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public required string Code { get; init; }

    /// <summary>Changed fields: name → { before, after }.</summary>
    public required JsonObject Changes { get; init; }
}

/// <summary>
/// The registrar's management of classifiers: add, change and retire items (with <c>validTo</c>; items
/// are never deleted, so old records stay valid while new uses are refused), and load a whole
/// classifier from CSV with a dry run first. Every change is audited.
/// </summary>
public static class ClassifierManagement
{
    public const string CsvMediaType = "text/csv";

    public static void MapClassifierManagement(this RouteGroupBuilder classifiers)
    {
        classifiers.MapPut("/{abbreviation}/items/{code}", ChangeClassifierItem)
            .RequireAuthorization(Policies.Registrar)
            .WithSummary("Change or retire a classifier item (registrar)")
            .WithDescription("Replaces an item's names, parent and validity; set validTo to retire it. An item is never deleted: records that use it stay valid, new uses after validTo are refused.");
        classifiers.MapPost("/{abbreviation}/load", LoadClassifier)
            .RequireAuthorization(Policies.Registrar)
            .Accepts<string>(CsvMediaType)
            .WithSummary("Load a classifier from CSV (registrar)")
            .WithDescription("CSV with the header `code,nameLt,nameEn,parent,validFrom,validTo`: new codes are added, known ones changed. " +
                "`dryRun=true` reports what would change and stores nothing. Any bad row refuses the whole file, naming each bad line.");
    }

    /// <param name="abbreviation">The classifier's abbreviation.</param>
    /// <param name="code">The item's code.</param>
    /// <param name="item">The item as it should be (its code may be left out).</param>
    /// <param name="ifMatch">The item's current ETag (its revision, quoted), from the last read.</param>
    /// <param name="db">The register database.</param>
    /// <param name="catalog">The classifier cache to refresh.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<ClassifierItemResponse>, ValidationProblem, NotFoundProblem, RegisterProblem>> ChangeClassifierItem(
        [MaxLength(ClassifierRules.AbbreviationMaxLength), RegularExpression(ClassifierRules.AbbreviationPattern)] string abbreviation,
        [MaxLength(ClassifierRules.CodeMaxLength), RegularExpression(ClassifierRules.CodePattern)] string code,
        [FromBody] NewClassifierItem item, [FromHeader(Name = "If-Match")] string? ifMatch,
        SmpkrDbContext db, ClassifierCatalog catalog, TimeProvider clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = ClassifierRules.Check(item with { Code = item.Code ?? code });
        if (item.Code is not null && item.Code != code)
        {
            errors.Add(new FieldError("code", "classifier.code-immutable", "An item's code does not change; add a new item instead."));
        }

        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await db.ClassifierItems
            .FromSql($"SELECT * FROM classifier_items WHERE classifier_abbreviation = {abbreviation} AND code = {code} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return Problem.NotFound(http, $"Classifier '{abbreviation}' has no item '{code}'.", "classifier.item-not-found");
        }

        switch (IfMatch.Check(http, ifMatch, stored.Revision, "item"))
        {
            case ({ } precondition, _):
                return precondition;
            case (_, { } malformed):
                return ValidationProblems.Result(http, [malformed]);
        }

        var changes = Apply(stored, new ClassifierCsv.Item(code, item.Name!.Lt!, item.Name.En, item.Parent, item.ValidFrom, item.ValidTo));
        if (changes.Count > 0)
        {
            stored.Revision++;
            AuditLog.Append(db, Caller.From(http), clock.GetUtcNow(), "edit", "classifier-item", null, changes, comment: $"{abbreviation} {code}");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            catalog.Invalidate();
        }

        http.Response.Headers.ETag = $"\"{stored.Revision}\"";
        return TypedResults.Ok(Response(stored));
    }

    /// <param name="abbreviation">The classifier's abbreviation.</param>
    /// <param name="dryRun">Report what would change; store nothing.</param>
    /// <param name="db">The register database.</param>
    /// <param name="catalog">The classifier cache to refresh.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="http">The request.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    public static async Task<Results<Ok<ClassifierLoadReport>, ValidationProblem, NotFoundProblem, UnsupportedMediaTypeProblem>> LoadClassifier(
        [MaxLength(ClassifierRules.AbbreviationMaxLength), RegularExpression(ClassifierRules.AbbreviationPattern)] string abbreviation,
        bool? dryRun, SmpkrDbContext db, ClassifierCatalog catalog, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Request.ContentType is not { } type || !type.StartsWith(CsvMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return new UnsupportedMediaTypeProblem(Problem.Create(http, StatusCodes.Status415UnsupportedMediaType,
                $"Send the classifier as {CsvMediaType} (UTF-8).", "media-type.unsupported"));
        }

        if (!await db.Classifiers.AnyAsync(c => c.Abbreviation == abbreviation, cancellationToken))
        {
            return Problem.NotFound(http, $"There is no classifier '{abbreviation}'.", "classifier.not-found");
        }

        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        List<ClassifierCsv.Row> rows;
        try
        {
            rows = ClassifierCsv.ReadRows(new StringReader(await reader.ReadToEndAsync(cancellationToken)), ClassifierCsv.ItemHeader);
        }
        catch (FormatException e)
        {
            return ValidationProblems.Result(http, [new FieldError("", "csv.malformed", e.Message)]);
        }

        // The classifier's items stay locked until the load commits, so a concurrent change of one item waits for it.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await db.ClassifierItems
            .FromSql($"SELECT * FROM classifier_items WHERE classifier_abbreviation = {abbreviation} FOR UPDATE")
            .ToDictionaryAsync(i => i.Code, cancellationToken);
        var (items, errors) = Check(rows, stored);
        if (errors.Count > 0)
        {
            return ValidationProblems.Result(http, errors, $"{errors.Select(e => e.Path).Distinct().Count()} line(s) are not valid; nothing was loaded.");
        }

        var added = new List<string>();
        var changed = new List<ClassifierItemChange>();
        var caller = Caller.From(http);
        var now = clock.GetUtcNow();
        var position = stored.Count == 0 ? 0 : stored.Values.Max(i => i.Position);
        foreach (var row in items)
        {
            if (stored.TryGetValue(row.Code, out var existing))
            {
                var changes = Apply(existing, row);
                if (changes.Count > 0)
                {
                    existing.Revision++;
                    changed.Add(new ClassifierItemChange { Code = row.Code, Changes = changes });
                    AuditLog.Append(db, caller, now, "edit", "classifier-item", null, (JsonObject)changes.DeepClone(), comment: $"{abbreviation} {row.Code}");
                }
            }
            else
            {
                var item = new ClassifierItem { ClassifierAbbreviation = abbreviation, Code = row.Code, NameLt = row.NameLt, Position = ++position };
                Apply(item, row);
                db.ClassifierItems.Add(item);
                added.Add(row.Code);
                AuditLog.Append(db, caller, now, "create", "classifier-item", null,
                    JsonDiff.Changes(null, new JsonObject { ["code"] = row.Code, ["nameLt"] = row.NameLt, ["nameEn"] = row.NameEn }), comment: $"{abbreviation} {row.Code}");
            }
        }

        if (dryRun != true)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            catalog.Invalidate();
        }

        return TypedResults.Ok(new ClassifierLoadReport
        {
            DryRun = dryRun == true,
            Added = added,
            Changed = changed,
            Unchanged = items.Count - added.Count - changed.Count,
        });
    }

    /// <summary>Every row checked with the item rules; parents may be stored items or rows above.</summary>
    private static (List<ClassifierCsv.Item> Items, List<FieldError> Errors) Check(List<ClassifierCsv.Row> rows, Dictionary<string, ClassifierItem> stored)
    {
        var items = new List<ClassifierCsv.Item>();
        var errors = new List<FieldError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var line = $"line[{row.Line}]";
            ClassifierCsv.Item item;
            try
            {
                item = ClassifierCsv.ToItem(row);
            }
            catch (FormatException e)
            {
                errors.Add(new FieldError(line, "csv.row", e.Message));
                continue;
            }

            var rowErrors = ClassifierRules.Check(new NewClassifierItem
            {
                Code = item.Code, Name = new LocalizedTextInput(item.NameLt, item.NameEn), Parent = item.Parent, ValidFrom = item.ValidFrom, ValidTo = item.ValidTo,
            });
            errors.AddRange(rowErrors.Select(e => e with { Path = $"{line}.{e.Path}" }));
            if (!seen.Add(item.Code))
            {
                errors.Add(new FieldError($"{line}.code", "list.duplicate", $"'{item.Code}' appears twice in the file."));
            }

            if (item.Parent is not null && !stored.ContainsKey(item.Parent) && !seen.Contains(item.Parent))
            {
                errors.Add(new FieldError($"{line}.parent", "classifier.parent-unknown", $"'{item.Parent}' is neither a stored item nor a row above."));
            }

            items.Add(item);
        }

        return (items, errors);
    }

    /// <summary>Brings a stored item in line with a row; the changed fields, before and after.</summary>
    private static JsonObject Apply(ClassifierItem item, ClassifierCsv.Item row)
    {
        var before = Snapshot(item);
        item.NameLt = row.NameLt;
        item.NameEn = row.NameEn;
        item.ParentCode = row.Parent;
        item.ValidFrom = row.ValidFrom;
        item.ValidTo = row.ValidTo;
        return JsonDiff.Changes(before, Snapshot(item));
    }

    private static JsonObject Snapshot(ClassifierItem item) => new()
    {
        ["nameLt"] = item.NameLt,
        ["nameEn"] = item.NameEn,
        ["parent"] = item.ParentCode,
        ["validFrom"] = item.ValidFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["validTo"] = item.ValidTo?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static ClassifierItemResponse Response(ClassifierItem item) => new()
    {
        Code = item.Code,
        Name = new LocalizedText(item.NameLt, item.NameEn),
        Description = item.Description,
        Parent = item.ParentCode,
        ValidFrom = item.ValidFrom,
        ValidTo = item.ValidTo,
        Revision = item.Revision,
    };
}
