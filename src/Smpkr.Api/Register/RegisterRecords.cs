using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Audit;
using Smpkr.Api.Auth;
using Smpkr.Api.Data;
using Smpkr.Api.Problems;
using Smpkr.Api.Providers;
using Smpkr.Api.Search;

namespace Smpkr.Api.Register;

/// <summary>What a register operation ends in: a value, a refusal, or broken rules.</summary>
public readonly record struct Outcome<T>(T? Value, RegisterProblem? Problem, IReadOnlyList<FieldError>? Errors)
{
    public static implicit operator Outcome<T>(T value) => new(value, null, null);

    public static implicit operator Outcome<T>(RegisterProblem problem) => new(default, problem, null);

    public static implicit operator Outcome<T>(List<FieldError> errors) => new(default, null, errors);
}

/// <summary>
/// The register machinery for one type of object: reads with visibility rules, and every write as
/// one transaction that locks the record, checks role, ownership, If-Match, lifecycle and content,
/// applies the change (code, new version), appends the audit entry and stores the idempotent response.
/// </summary>
public sealed class RegisterRecords<TBody>(
    RegisterType<TBody> type,
    SmpkrDbContext db,
    RegisterBodies bodies,
    ClassifierCatalog classifiers,
    Idempotency idempotency,
    UnitOfWork unitOfWork,
    RegisterSearch search,
    IChangeLog changeLog,
    IEnumerable<IRecordFacts<TBody>> facts,
    RecordReads reads,
    VersionJson versionJson,
    TimeProvider clock,
    IHttpContextAccessor httpAccessor)
    where TBody : class
{
    private readonly Dictionary<string, Provider?> _providers = new(StringComparer.Ordinal);

    private HttpContext Http => httpAccessor.HttpContext ?? new DefaultHttpContext();

    public RegisterType<TBody> Type => type;

    /// <summary>Today in Lithuania, the register's day.</summary>
    public DateOnly Today => clock.TodayInLithuania();

    public static string ETagOf(RegisterRecord record) => $"\"{record.Revision}\"";

    // ---- reads ----------------------------------------------------------------------------

    public async Task<Outcome<RecordResponse<TBody>>> GetAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        await ReadAsync(new RecordKey(type.ObjectType, id, null), caller, cancellationToken) is { } response
            ? response
            : NotFound(id.ToString());

    public async Task<Outcome<RecordResponse<TBody>>> GetByCodeAsync(string code, Caller caller, CancellationToken cancellationToken) =>
        await ReadAsync(new RecordKey(type.ObjectType, null, code), caller, cancellationToken) is { } response
            ? response
            : Problem.Missing(Http, $"No {type.Noun} has the code or alias '{code}'.", "record.not-found");

    /// <summary>One record by id or code through the reads concurrent requests share; null when the caller may not see it.</summary>
    private async Task<RecordResponse<TBody>?> ReadAsync(RecordKey key, Caller caller, CancellationToken cancellationToken)
    {
        if (await reads.FindAsync(key, cancellationToken) is not { } stored || !RecordAccess.CanSee(caller, stored.Record))
        {
            return null;
        }

        return await ToResponseAsync(stored, caller, withAliases: true, cancellationToken);
    }

    /// <summary>A record read with everything it shows (<see cref="RecordReads"/>), as <paramref name="caller"/> may see it.</summary>
    private Task<RecordResponse<TBody>> ToResponseAsync(StoredRegisterRecord stored, Caller caller, bool withAliases, CancellationToken cancellationToken) =>
        ToResponseAsync(stored.Record, caller, cancellationToken, version: stored.Current, withAliases: withAliases, aliases: stored.Aliases,
            preloadedFacts: stored.Facts is null ? [] : new() { [stored.Record.Id] = stored.Facts },
            dataJson: stored.Current is { } current ? stored.CurrentJson ?? versionJson.Of<TBody>(current) : null);

    /// <summary>One page of a search over the records <paramref name="caller"/> may see, in the search's order.</summary>
    public async Task<SearchPage<RecordResponse<TBody>>> ListAsync(SearchRequest request, Caller caller, Func<string, Uri> nextPage, CancellationToken cancellationToken)
    {
        var found = await search.SearchAsync(type.ObjectType, request, SearchVisibility.For(caller), cancellationToken);

        // The page's records, their versions in force and facts in one statement (and one per facts source).
        // A record deleted between the search and this read is simply left out of the page.
        var page = await reads.FindAllAsync(found.Ids.Select(id => new RecordKey(type.ObjectType, id, null)).ToList(), cancellationToken);
        var items = new List<RecordResponse<TBody>>(page.Length);
        foreach (var stored in page.OfType<StoredRegisterRecord>())
        {
            items.Add(await ToResponseAsync(stored, caller, withAliases: false, cancellationToken));
        }

        return new SearchPage<RecordResponse<TBody>>
        {
            Items = items,
            Next = found.NextCursor is { } cursor ? nextPage(cursor) : null,
            Total = found.Total,
            Facets = found.Facets,
        };
    }

    public async Task<Outcome<VersionsResponse<TBody>>> VersionsAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.ObjectType == type.ObjectType, cancellationToken);
        if (record is null || !RecordAccess.CanSee(caller, record))
        {
            return NotFound(id.ToString());
        }

        var versions = await db.RecordVersions.AsNoTracking().Where(v => v.RecordId == id).OrderBy(v => v.Version).ToListAsync(cancellationToken);
        var items = versions.Select((v, i) => new VersionResponse<TBody>
        {
            Version = v.Version,
            ValidFrom = v.ValidFrom,
            ValidTo = i + 1 < versions.Count ? versions[i + 1].ValidFrom.AddDays(-1) : record.DeregisteredOn,
            RecordedAt = v.RecordedAt,
            Data = bodies.Deserialize<TBody>(v.Content),
        }).ToList();
        return new VersionsResponse<TBody> { Items = items, Pending = PendingOf(record, caller) };
    }

    public async Task<Outcome<Page<AuditEntryResponse>>> AuditAsync(Guid id, Caller caller, long after, int limit, Func<long, Uri> nextPage, CancellationToken cancellationToken)
    {
        var record = await db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.ObjectType == type.ObjectType, cancellationToken);
        var entries = db.AuditEntries.AsNoTracking().Where(a => a.RecordId == id && a.ObjectType == type.ObjectType);
        if (record is null)
        {
            // A deleted draft keeps its audit entries; its owner and the registrar can still read them.
            var owner = await entries.Select(a => a.Owner).FirstOrDefaultAsync(cancellationToken);
            if (owner is null || !(RecordAccess.SeesEverything(caller) || caller.Provider == owner))
            {
                return NotFound(id.ToString());
            }
        }
        else if (!RecordAccess.CanSeeInternals(caller, record))
        {
            return NotFound(id.ToString());
        }

        var page = await entries.Where(a => a.Id > after).OrderBy(a => a.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return new Page<AuditEntryResponse>
        {
            Items = page.Take(limit).Select(AuditEntryResponse.From).ToList(),
            Next = page.Count > limit ? nextPage(page[limit - 1].Id) : null,
        };
    }

    // ---- writes ---------------------------------------------------------------------------

    /// <summary>Validation only: the same checks and problem as a real write, nothing stored.</summary>
    public async Task<Outcome<TBody>> ValidateAsync(JsonObject json, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var body = bodies.Bind<TBody>(json, type.Kinds, errors);
        if (body is null)
        {
            return errors;
        }

        await CheckContentAsync(body, null, errors, cancellationToken);
        return errors.Count > 0 ? errors : body;
    }

    public async Task<Outcome<RecordResponse<TBody>>> CreateAsync(JsonObject json, string? owner, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsRegistrar && !caller.Has(type.OwnerRole))
        {
            return Problem.Forbidden(Http, $"Only a {type.OwnerRole} or the registrar creates {type.Resource}.", "role.not-allowed");
        }

        if (!caller.IsRegistrar && caller.Provider is null)
        {
            return Problem.Forbidden(Http, "The token has no 'provider' claim naming the institution it acts for.", "provider.claim-missing");
        }

        if (!caller.IsRegistrar && owner is not null && owner != caller.Provider)
        {
            return Problem.Forbidden(Http, $"A provider creates records it owns; '{owner}' is not {caller.Provider}.", "owner.not-caller");
        }

        var errors = new List<FieldError>();
        owner ??= caller.Provider;
        if (owner is null)
        {
            errors.Add(new FieldError("owner", "value.required", "The registrar names the owning provider with ?owner=."));
            return errors;
        }

        var body = bodies.Bind<TBody>(json, type.Kinds, errors);
        if (body is null)
        {
            return errors;
        }

        var ownerProvider = await ProviderAsync(owner, cancellationToken);
        if (ownerProvider is null)
        {
            errors.Add(new FieldError("owner", "owner.unknown", $"No provider has the code '{owner}'."));
            return errors;
        }

        if (KindRefused(ownerProvider, body) is { } refused)
        {
            return refused;
        }

        await CheckContentAsync(body, null, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return errors;
        }

        var now = clock.GetUtcNow();
        var name = type.NameOf(body);
        var record = new RegisterRecord
        {
            Id = Guid.CreateVersion7(now),
            ObjectType = type.ObjectType,
            Kind = type.Kinds.Count > 0 ? type.KindOf(body) : null,
            Status = RecordStatus.Draft,
            Revision = 1,
            Owner = owner,
            CoProviders = [.. type.CoProvidersOf(body)],
            Working = bodies.Serialize(body),
            NameLt = name.Lt!,
            NameEn = name.En,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Records.Add(record);
        await SearchIndex.StageAsync(db, record, type.SearchFieldsOf(body), isNew: true, cancellationToken);
        Audit(record, caller, "create", JsonDiff.Changes(null, AuditView(record, (record.Working, null))), null, now);
        var response = await ToResponseAsync(record, caller, cancellationToken, body);
        await SaveAsync(StatusCodes.Status201Created, LocationOf(record), record, response, now, cancellationToken, deferrable: true);
        return response;
    }

    public Task<Outcome<RecordResponse<TBody>>> ReplaceAsync(Guid id, JsonObject json, string? ifMatch, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(id, ifMatch, caller, RecordAction.Edit, async (record, _) => await EditAsync(record, _ => json, caller, cancellationToken) is { } errors ? (Outcome<bool>?)errors : null, cancellationToken);

    public Task<Outcome<RecordResponse<TBody>>> PatchAsync(Guid id, JsonObject patch, string? ifMatch, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(id, ifMatch, caller, RecordAction.Edit, async (record, _) => await EditAsync(record, current => RegisterBodies.MergePatchInto(current, patch) as JsonObject ?? [], caller, cancellationToken) is { } errors ? (Outcome<bool>?)errors : null, cancellationToken);

    public Task<Outcome<RecordResponse<TBody>>> SubmitAsync(Guid id, string? ifMatch, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(id, ifMatch, caller, RecordAction.Submit, async (record, _) =>
        {
            // A submission must pass today's rules, which may have changed since the last edit.
            var errors = new List<FieldError>();
            await CheckContentAsync(bodies.Deserialize<TBody>(record.Working!), record, errors, cancellationToken);
            if (errors.Count > 0)
            {
                return errors;
            }

            record.ReturnComment = null;
            return null;
        }, cancellationToken);

    public Task<Outcome<RecordResponse<TBody>>> WithdrawAsync(Guid id, string? ifMatch, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(id, ifMatch, caller, RecordAction.Withdraw, (_, _) => Task.FromResult<Outcome<bool>?>(null), cancellationToken);

    public Task<Outcome<RecordResponse<TBody>>> DiscardChangeAsync(Guid id, string? ifMatch, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(id, ifMatch, caller, RecordAction.DiscardChange, (record, _) =>
        {
            record.Working = null;
            record.ReturnComment = null;
            return Task.FromResult<Outcome<bool>?>(null);
        }, cancellationToken);

    public Task<Outcome<RecordResponse<TBody>>> ReturnAsync(Guid id, ReturnRequest request, string? ifMatch, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(id, ifMatch, caller, RecordAction.Return, (record, _) =>
        {
            var errors = new List<FieldError>();
            TextRules.Check(errors, "comment", request.Comment, 2000, required: true, multiline: true);
            if (errors.Count > 0)
            {
                return Task.FromResult<Outcome<bool>?>(errors);
            }

            record.ReturnComment = request.Comment;
            return Task.FromResult<Outcome<bool>?>(null);
        }, cancellationToken, comment: () => request.Comment);

    public Task<Outcome<RecordResponse<TBody>>> ApproveAsync(Guid id, ApproveRequest request, string? ifMatch, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(id, ifMatch, caller, RecordAction.Approve, async (record, now) =>
        {
            var errors = new List<FieldError>();
            TextRules.Check(errors, "comment", request.Comment, 2000, required: false, multiline: true);
            var body = bodies.Deserialize<TBody>(record.Working!);
            await CheckContentAsync(body, record, errors, cancellationToken);
            var validFrom = request.ValidFrom ?? Today;
            var previous = record.CurrentVersion is { } current
                ? await db.RecordVersions.Where(v => v.RecordId == record.Id && v.Version == current).Select(v => (DateOnly?)v.ValidFrom).SingleAsync(cancellationToken)
                : null;
            if (previous is { } previousFrom && validFrom <= previousFrom)
            {
                errors.Add(new FieldError("validFrom", "dates.out-of-order",
                    $"Version {record.CurrentVersion} is in force from {previousFrom:yyyy-MM-dd}; the new version must start later."));
            }

            if (errors.Count > 0)
            {
                return errors;
            }

            if (record.Code is null)
            {
                record.Code = await AllocateCodeAsync(body, cancellationToken);
                record.RegisteredOn = Today;
            }

            var version = (record.CurrentVersion ?? 0) + 1;
            db.RecordVersions.Add(new RecordVersion
            {
                RecordId = record.Id,
                Version = version,
                Content = record.Working!,
                ValidFrom = validFrom,
                RecordedAt = now,
            });
            await ReplaceLinksAsync(record, body, cancellationToken);
            var name = type.NameOf(body);
            record.CurrentVersion = version;
            record.LastChangedOn = Today;
            record.NameLt = name.Lt!;
            record.NameEn = name.En;
            record.Kind = type.Kinds.Count > 0 ? type.KindOf(body) : null;
            record.CoProviders = [.. type.CoProvidersOf(body)];
            record.Working = null;
            record.ReturnComment = null;
            return null;
        }, cancellationToken, comment: () => request.Comment);

    public Task<Outcome<RecordResponse<TBody>>> DeregisterAsync(Guid id, DeregisterRequest request, string? ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        string? despite = null;
        return WriteAsync(id, ifMatch, caller, RecordAction.Deregister, async (record, _) =>
        {
            var date = request.Date ?? Today;
            var check = await DeregistrationCheckAsync(record, request.Reason, request.Comment, date, cancellationToken);

            if (request.SupersededBy is { } successor)
            {
                check.Required("equivalent", request.Equivalent);
                var exists = successor != record.Code && await db.Records.AnyAsync(
                    r => r.ObjectType == type.ObjectType && r.Code == successor && r.Status == RecordStatus.Registered, cancellationToken);
                if (!exists)
                {
                    check.Add("supersededBy", "superseded-by.unknown", $"'{successor}' is not another registered {type.Noun}.");
                }
            }
            else if (request.Equivalent is not null)
            {
                check.Add("equivalent", "equivalent.without-successor", "'equivalent' goes with 'supersededBy'.");
            }

            if (check.Errors.Count > 0)
            {
                return check.Errors;
            }

            var referrers = await ReferrersAsync(record, cancellationToken);
            if (referrers.Count > 0 && request.DespiteReferences != true)
            {
                var problem = Problem.StateConflict(Http,
                    $"Registered objects still refer to {record.Code}: {string.Join(", ", referrers.Take(20).Select(r => $"{r.ObjectType} {r.Code}"))}{(referrers.Count > 20 ? ", …" : string.Empty)}. " +
                    "Deregister or change them first, or send despiteReferences: true to deregister anyway.",
                    "deregistration.referenced");
                problem.Value.Extensions["referrers"] = referrers;
                return problem;
            }

            if (referrers.Count > 0)
            {
                despite = $"Deregistered despite references from: {string.Join(", ", referrers.Select(r => $"{r.ObjectType} {r.Code}"))}.";
            }

            record.DeregisteredOn = date;
            record.DeregistrationReason = request.Reason;
            record.SupersededBy = request.SupersededBy;
            record.Equivalent = request.Equivalent;
            record.Working = null;
            record.ReturnComment = null;
            record.DeregistrationRequest = null;
            return null;
        }, cancellationToken, comment: () => string.Join(" ", new[] { request.Comment, despite }.Where(c => c is not null)) is { Length: > 0 } note ? note : null);
    }

    public Task<Outcome<RecordResponse<TBody>>> RequestDeregistrationAsync(Guid id, DeregistrationRequest request, string? ifMatch, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(id, ifMatch, caller, RecordAction.RequestDeregistration, async (record, _) =>
        {
            var check = await DeregistrationCheckAsync(record, request.Reason, request.Comment, request.Date, cancellationToken);

            if (check.Errors.Count > 0)
            {
                return check.Errors;
            }

            record.DeregistrationRequest = JsonSerializer.Serialize(request, bodies.Options);
            return null;
        }, cancellationToken, comment: () => request.Comment);

    public Task<Outcome<RecordResponse<TBody>>> RecodeAsync(Guid id, RecodeRequest request, string? ifMatch, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(id, ifMatch, caller, RecordAction.Recode, async (record, _) =>
        {
            var errors = new List<FieldError>();
            TextRules.Check(errors, "code", request.Code, 32, required: true);
            if (request.Code is { } newCode && !System.Text.RegularExpressions.Regex.IsMatch(newCode, "^[A-Z0-9]{3,32}$"))
            {
                errors.Add(new FieldError("code", "code.format", "Use 3–32 upper-case letters and digits."));
            }

            TextRules.Check(errors, "comment", request.Comment, 2000, required: false, multiline: true);
            var from = request.ValidFrom ?? Today;
            if (record.RegisteredOn is { } registered && from <= registered)
            {
                errors.Add(new FieldError("validFrom", "dates.out-of-order", $"The record was registered on {registered:yyyy-MM-dd}; a new code starts after that."));
            }

            if (errors.Count > 0)
            {
                return errors;
            }

            if (await CodeTakenAsync(request.Code!, cancellationToken))
            {
                return new List<FieldError> { new("code", "code.taken", $"'{request.Code}' is already a code or alias of a {type.Noun}.") };
            }

            db.RecordAliases.Add(new RecordAlias
            {
                ObjectType = type.ObjectType,
                Code = record.Code!,
                RecordId = record.Id,
                ValidFrom = await db.RecordAliases.Where(a => a.RecordId == record.Id).MaxAsync(a => a.ValidTo, cancellationToken) is { } lastEnd
                    ? lastEnd.AddDays(1)
                    : record.RegisteredOn,
                ValidTo = from.AddDays(-1),
            });
            record.Code = request.Code;
            return null;
        }, cancellationToken, comment: () => request.Comment);

    /// <summary>Predecessors and successors through supersededBy, transitively, among the records the caller may see.</summary>
    public async Task<Outcome<LineageResponse>> LineageAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.ObjectType == type.ObjectType, cancellationToken);
        if (record is null || !RecordAccess.CanSee(caller, record))
        {
            return NotFound(id.ToString());
        }

        if (record.Code is null)
        {
            return Problem.StateConflict(Http, "A record that was never registered has no lineage.", "lineage.not-registered");
        }

        // Walks supersededBy both ways; a cycle (which registration rules prevent) stops at 100 steps.
        var successors = await db.Database.SqlQuery<LineageRow>($"""
            WITH RECURSIVE chain AS (
                SELECT r.id, r.code, r.status, r.superseded_by, r.equivalent, 1 AS distance
                FROM register_records r
                WHERE r.object_type = {type.ObjectType} AND r.code = {record.SupersededBy}
                UNION ALL
                SELECT r.id, r.code, r.status, r.superseded_by, r.equivalent, c.distance + 1
                FROM register_records r JOIN chain c ON r.code = c.superseded_by AND r.object_type = {type.ObjectType}
                WHERE c.distance < 100
            )
            SELECT id, code, status, superseded_by, equivalent, distance FROM chain
            """).ToListAsync(cancellationToken);
        var predecessors = await db.Database.SqlQuery<LineageRow>($"""
            WITH RECURSIVE chain AS (
                SELECT r.id, r.code, r.status, r.superseded_by, r.equivalent, 1 AS distance
                FROM register_records r
                WHERE r.object_type = {type.ObjectType} AND r.superseded_by = {record.Code}
                UNION ALL
                SELECT r.id, r.code, r.status, r.superseded_by, r.equivalent, c.distance + 1
                FROM register_records r JOIN chain c ON r.superseded_by = c.code AND r.object_type = {type.ObjectType}
                WHERE c.distance < 100
            )
            SELECT id, code, status, superseded_by, equivalent, distance FROM chain
            """).ToListAsync(cancellationToken);
        var self = new LineageEntry
        {
            Id = record.Id, Code = record.Code, Status = record.Status, SupersededBy = record.SupersededBy, Equivalent = record.Equivalent, Distance = 0,
        };
        var after = successors.OrderBy(r => r.Distance).Select(r => r.ToEntry()).ToList();
        return new LineageResponse
        {
            Record = self,
            Predecessors = predecessors.OrderBy(r => r.Distance).ThenBy(r => r.Code).Select(r => r.ToEntry()).ToList(),
            Successors = after,
            Current = after.LastOrDefault() ?? self,
        };
    }

    private async Task<bool> CodeTakenAsync(string code, CancellationToken cancellationToken) =>
        await db.Records.AnyAsync(r => r.ObjectType == type.ObjectType && r.Code == code, cancellationToken)
        || await db.RecordAliases.AnyAsync(a => a.ObjectType == type.ObjectType && a.Code == code, cancellationToken);

    /// <summary>The links of the version now in force replace the record's previous ones.</summary>
    private async Task ReplaceLinksAsync(RegisterRecord record, TBody body, CancellationToken cancellationToken)
    {
        await db.RecordLinks.Where(l => l.RecordId == record.Id).ExecuteDeleteAsync(cancellationToken);
        db.RecordLinks.AddRange(type.LinksOf(body).Select(link => new RecordLink
        {
            RecordId = record.Id, Path = link.Path, TargetType = link.ObjectType, TargetCode = link.Code,
        }));
    }

    /// <summary>Registered records whose version in force refers to this record by its code or an alias.</summary>
    private async Task<List<Referrer>> ReferrersAsync(RegisterRecord record, CancellationToken cancellationToken)
    {
        var codes = await db.RecordAliases.Where(a => a.RecordId == record.Id).Select(a => a.Code).ToListAsync(cancellationToken);
        codes.Add(record.Code!);
        return await (from link in db.RecordLinks
                      join referrer in db.Records on link.RecordId equals referrer.Id
                      where link.TargetType == type.ObjectType && codes.Contains(link.TargetCode) && referrer.Status == RecordStatus.Registered
                      orderby referrer.ObjectType, referrer.Code
                      select new Referrer(referrer.ObjectType, referrer.Code!, referrer.Id))
            .Distinct()
            .ToListAsync(cancellationToken);
    }

    /// <summary>The checks a deregistration and a request for one share: a known reason, a short comment, a date after registration.</summary>
    private async Task<ContentCheck> DeregistrationCheckAsync(RegisterRecord record, string? reason, string? comment, DateOnly? date, CancellationToken cancellationToken)
    {
        var check = new ContentCheck(await classifiers.GetAsync(cancellationToken), Today);
        check.InClassifier("reason", reason, "KL_ISREGISTRAVIMO_PRIEZASTYS");
        check.Text("comment", comment, 2000);
        if (date is { } day && record.RegisteredOn is { } registered && day < registered)
        {
            check.Add("date", "dates.out-of-order", $"The record was registered on {registered:yyyy-MM-dd}; it cannot be deregistered before.");
        }

        return check;
    }

    public async Task<Outcome<RecordResponse<TBody>>> DeleteAsync(Guid id, string? ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        RecordResponse<TBody>? deleted = null;
        var outcome = await WriteAsync(id, ifMatch, caller, RecordAction.Delete, async (record, _) =>
        {
            deleted = await ToResponseAsync(record, caller, cancellationToken);
            db.Records.Remove(record);
            return (Outcome<bool>?)null;
        }, cancellationToken);
        return outcome.Value is null ? outcome : deleted!;
    }

    // ---- the write pipeline ---------------------------------------------------------------

    private async Task<Outcome<RecordResponse<TBody>>> WriteAsync(
        Guid id,
        string? ifMatch,
        Caller caller,
        RecordAction action,
        Func<RegisterRecord, DateTimeOffset, Task<Outcome<bool>?>> apply,
        CancellationToken cancellationToken,
        Func<string?>? comment = null)
    {
        // A batch runs many writes in its own transaction; alone, a write is its own transaction.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var record = await db.Records
            .FromSql($"SELECT * FROM register_records WHERE id = {id} AND object_type = {type.ObjectType} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        if (record is null || !RecordAccess.CanSee(caller, record))
        {
            return NotFound(id.ToString());
        }

        if (!RecordAccess.MayAct(caller, record, action, type.OwnerRole))
        {
            return Problem.Forbidden(Http, caller.IsRegistrar || RecordAccess.IsOwner(caller, record)
                ? $"Only the registrar may {Lifecycle.Verb(action)}."
                : $"Only the owner ({record.Owner}) or the registrar may {Lifecycle.Verb(action)} this record.", "role.not-allowed");
        }

        switch (IfMatch.Check(Http, ifMatch, record.Revision, "record"))
        {
            case ({ } precondition, _):
                return precondition;
            case (_, { } malformed):
                return new List<FieldError> { malformed };
        }

        var state = new LifecycleState(record.Status, record.PendingStatus, record.WasRegistered);
        if (Lifecycle.Next(state, action) is not { } next)
        {
            return Problem.StateConflict(Http, Lifecycle.Refusal(state, action), "lifecycle.not-allowed");
        }

        var before = AuditView(record, await StateAsync(record, cancellationToken));
        var (codeBefore, versionBefore) = (record.Code, record.CurrentVersion);
        var now = clock.GetUtcNow();
        if (await apply(record, now) is { } refused)
        {
            if (refused.Problem is { } problem)
            {
                return problem;
            }

            if (refused.Errors is { Count: > 0 } errors)
            {
                return errors.ToList();
            }
        }

        var verb = Lifecycle.Verb(action);
        if (action == RecordAction.Delete)
        {
            Audit(record, caller, verb, JsonDiff.Changes(before, null), comment?.Invoke(), now);
            await SaveAsync(StatusCodes.Status200OK, null, null, null, now, cancellationToken);
            await CommitAsync(transaction, cancellationToken);
            return new RecordResponse<TBody> { Owner = record.Owner };
        }

        record.Status = next.Status;
        record.PendingStatus = next.Pending;
        record.Revision++;
        record.UpdatedAt = now;
        await IndexAsync(record, cancellationToken);
        Audit(record, caller, verb, JsonDiff.Changes(before, AuditView(record, await StateAsync(record, cancellationToken))), comment?.Invoke(), now);
        var response = await ToResponseAsync(record, caller, cancellationToken);
        await SaveAsync(StatusCodes.Status200OK, null, record, response, now, cancellationToken);
        if (Lifecycle.ChangeOp(action, versionBefore, record.CurrentVersion) is { } op)
        {
            await changeLog.AppendAsync(db, record, op, op == ChangeOps.Recoded ? codeBefore : null, cancellationToken);
        }

        await CommitAsync(transaction, cancellationToken);
        return response;
    }

    private static async Task CommitAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction, CancellationToken cancellationToken)
    {
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private async Task<List<FieldError>?> EditAsync(RegisterRecord record, Func<JsonObject, JsonObject> newContent, Caller caller, CancellationToken cancellationToken)
    {
        var current = record.Working ?? await db.RecordVersions
            .Where(v => v.RecordId == record.Id && v.Version == record.CurrentVersion)
            .Select(v => v.Content)
            .SingleAsync(cancellationToken);
        var errors = new List<FieldError>();
        var body = bodies.Bind<TBody>(newContent(JsonNode.Parse(current)!.AsObject()), type.Kinds, errors);
        if (body is null)
        {
            return errors;
        }

        if (!caller.IsRegistrar)
        {
            var provider = (await ProviderAsync(record.Owner, cancellationToken))!;
            if (KindRefused(provider, body) is not null)
            {
                errors.Add(new FieldError("kind", "kind.not-allowed", $"Provider {provider.Code} may not submit {type.KindOf(body)} {type.Resource}."));
                return errors;
            }
        }

        await CheckContentAsync(body, record, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return errors;
        }

        record.Working = bodies.Serialize(body);
        if (!record.WasRegistered)
        {
            var name = type.NameOf(body);
            record.NameLt = name.Lt!;
            record.NameEn = name.En;
            record.Kind = type.Kinds.Count > 0 ? type.KindOf(body) : null;
            record.CoProviders = [.. type.CoProvidersOf(body)];
        }

        return null;
    }

    private async Task CheckContentAsync(TBody body, RegisterRecord? record, List<FieldError> errors, CancellationToken cancellationToken)
    {
        var check = new ContentCheck(await classifiers.GetAsync(cancellationToken), Today);
        type.Check(body, check);
        errors.AddRange(check.Errors);
        if (record?.Code is { } code)
        {
            errors.AddRange(type.Codes.Contradictions(code, body).Select(c => new FieldError(c.Path, c.Code, c.Message)));
        }

        foreach (var (path, objectType, linked) in type.LinksOf(body))
        {
            if (!await db.Records.AnyAsync(r => r.ObjectType == objectType && r.Code == linked && r.Status == RecordStatus.Registered, cancellationToken))
            {
                errors.Add(new FieldError(path, "link.not-registered", $"No registered {objectType.Replace('-', ' ')} has the code '{linked}'."));
            }
        }

        if (record?.Code is null && type.Codes.FixedCodeFor(body) is { } fixedCode
            && await db.Records.AnyAsync(r => r.ObjectType == type.ObjectType && r.Code == fixedCode && r.Id != (record == null ? Guid.Empty : record.Id), cancellationToken))
        {
            errors.Add(new FieldError("code", "code.taken", $"'{fixedCode}' is already the code of another {type.Noun}."));
        }

        var coProviders = type.CoProvidersOf(body);
        if (coProviders.Count > 0)
        {
            var known = await db.Providers.Where(p => coProviders.Contains(p.Code)).Select(p => p.Code).ToListAsync(cancellationToken);
            for (var i = 0; i < coProviders.Count; i++)
            {
                if (!known.Contains(coProviders[i]))
                {
                    errors.Add(new FieldError($"coProviders[{i}]", "provider.unknown", $"No provider has the code '{coProviders[i]}'."));
                }
            }
        }
    }

    /// <summary>
    /// The next free code under the body's prefix. The sequence row is locked until the transaction
    /// ends, so concurrent registrations under one prefix take turns and never share a number; numbers
    /// already used by imported codes are skipped.
    /// </summary>
    private async Task<string> AllocateCodeAsync(TBody body, CancellationToken cancellationToken)
    {
        if (type.Codes.FixedCodeFor(body) is { } fixedCode)
        {
            return fixedCode;
        }

        var prefix = type.Codes.PrefixFor(body);
        var digits = type.Codes.SequenceDigitsFor(body);
        var max = (int)Math.Pow(10, digits) - 1;
        while (true)
        {
            var next = (await db.Database
                .SqlQuery<int>($"""
                    INSERT INTO code_sequences (prefix, last_value) VALUES ({prefix}, 1)
                    ON CONFLICT (prefix) DO UPDATE SET last_value = code_sequences.last_value + 1
                    RETURNING last_value AS "Value"
                    """)
                .ToListAsync(cancellationToken)).Single();
            if (next > max)
            {
                throw new CodeSpaceExhaustedException(prefix);
            }

            var code = prefix + next.ToString($"D{digits}", System.Globalization.CultureInfo.InvariantCulture);
            if (!await CodeTakenAsync(code, cancellationToken))
            {
                return code;
            }
        }
    }

    /// <summary>Providers looked up once per unit of work (a request, or a batch chunk).</summary>
    private async Task<Provider?> ProviderAsync(string code, CancellationToken cancellationToken)
    {
        if (!_providers.TryGetValue(code, out var provider))
        {
            provider = await db.Providers.AsNoTracking().SingleOrDefaultAsync(p => p.Code == code, cancellationToken);
            _providers[code] = provider;
        }

        return provider;
    }

    private RegisterProblem? KindRefused(Provider provider, TBody body)
    {
        var kind = type.Kinds.Count > 0 ? type.KindOf(body) : type.ObjectType;
        return provider.Kinds.Contains(kind)
            ? null
            : Problem.Forbidden(Http, $"Provider {provider.Code} may not submit {kind} {type.Resource}; it may submit: {string.Join(", ", provider.Kinds)}.", "kind.not-allowed");
    }

    private async Task SaveAsync(
        int status, string? location, RegisterRecord? record, RecordResponse<TBody>? response, DateTimeOffset now, CancellationToken cancellationToken,
        bool deferrable = false)
    {
        idempotency.Record(db, status, location, record is null ? null : ETagOf(record),
            () => response is null ? null : JsonSerializer.Serialize(response, bodies.Options), now);
        if (deferrable && unitOfWork.DeferSaves)
        {
            return;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: var constraint }
                                          && constraint?.Contains("code", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"Code allocation produced a duplicate ({constraint}).", e);
        }
    }

    /// <summary>Refreshes the record's search entry from what it shows: the registered version in force, else the draft.</summary>
    private async Task IndexAsync(RegisterRecord record, CancellationToken cancellationToken)
    {
        var content = record.Working;
        if (record.CurrentVersion is { } current)
        {
            content = db.RecordVersions.Local.FirstOrDefault(v => v.RecordId == record.Id && v.Version == current)?.Content
                ?? await db.RecordVersions.AsNoTracking().Where(v => v.RecordId == record.Id && v.Version == current).Select(v => v.Content).SingleAsync(cancellationToken);
        }

        var fields = content is null ? SearchFields.None : type.SearchFieldsOf(bodies.Deserialize<TBody>(content));
        await SearchIndex.StageAsync(db, record, fields, isNew: false, cancellationToken);
    }

    private void Audit(RegisterRecord record, Caller caller, string action, JsonObject changes, string? comment, DateTimeOffset now) =>
        AuditLog.Append(db, caller, now, action, type.ObjectType, record.Code, changes,
            record.Id, record.Owner, record.CurrentVersion, record.Revision, comment);

    /// <summary>What the record holds now for its owner (the draft or pending change, else the registered version) and when the version in force began.</summary>
    private async Task<(string? Content, DateOnly? ValidFrom)> StateAsync(RegisterRecord record, CancellationToken cancellationToken)
    {
        if (record.CurrentVersion is not { } current)
        {
            return (record.Working, null);
        }

        var version = db.RecordVersions.Local.FirstOrDefault(v => v.RecordId == record.Id && v.Version == current)
            ?? await db.RecordVersions.AsNoTracking().SingleAsync(v => v.RecordId == record.Id && v.Version == current, cancellationToken);
        return (record.Working ?? version.Content, version.ValidFrom);
    }

    private static JsonObject AuditView(RegisterRecord record, (string? Content, DateOnly? ValidFrom) state) => new()
    {
        ["status"] = record.Status.ToString().ToLowerInvariant(),
        ["pendingChange"] = record.PendingStatus?.ToString().ToLowerInvariant(),
        ["code"] = record.Code,
        ["version"] = record.CurrentVersion,
        ["validFrom"] = state.ValidFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["owner"] = record.Owner,
        ["registeredOn"] = record.RegisteredOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["deregisteredOn"] = record.DeregisteredOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["deregistrationReason"] = record.DeregistrationReason,
        ["supersededBy"] = record.SupersededBy,
        ["equivalent"] = record.Equivalent,
        ["returnComment"] = record.ReturnComment,
        ["data"] = state.Content is null ? null : JsonNode.Parse(state.Content),
    };

    /// <summary>
    /// The record as <paramref name="caller"/> may see it. <paramref name="draft"/> (a create's bound body),
    /// <paramref name="version"/>, <paramref name="preloadedFacts"/> and <paramref name="aliases"/> (read beforehand
    /// for a list or a shared read) save work the caller already did.
    /// </summary>
    private async Task<RecordResponse<TBody>> ToResponseAsync(
        RegisterRecord record, Caller caller, CancellationToken cancellationToken, TBody? draft = null, RecordVersion? version = null, bool withAliases = true,
        Dictionary<Guid, Dictionary<string, object>>? preloadedFacts = null, IReadOnlyList<AliasResponse>? aliases = null, byte[]? dataJson = null)
    {
        preloadedFacts ??= await FactsAsync([record.Id], cancellationToken);
        var internals = RecordAccess.CanSeeInternals(caller, record);
        TBody? data = null;
        DateOnly? validFrom = null;
        if (record.CurrentVersion is { } current)
        {
            version ??= db.RecordVersions.Local.FirstOrDefault(v => v.RecordId == record.Id && v.Version == current)
                ?? await db.RecordVersions.AsNoTracking().SingleAsync(v => v.RecordId == record.Id && v.Version == current, cancellationToken);

            // Reads pass the version's kept JSON (VersionJson); a write's version, which this unit of work may still roll back, is never kept.
            if (dataJson is null)
            {
                data = bodies.Deserialize<TBody>(version.Content);
            }

            validFrom = version.ValidFrom;
        }
        else if (record.Working is not null)
        {
            data = draft ?? bodies.Deserialize<TBody>(record.Working);
        }

        return new RecordResponse<TBody>
        {
            Id = record.Id,
            Code = record.Code,
            Status = record.Status,
            Revision = record.Revision,
            Owner = record.Owner,
            Version = record.CurrentVersion,
            ValidFrom = validFrom,
            RegisteredOn = record.RegisteredOn,
            LastChangedOn = record.LastChangedOn,
            DeregisteredOn = record.DeregisteredOn,
            DeregistrationReason = record.DeregistrationReason,
            SupersededBy = record.SupersededBy,
            Equivalent = record.Equivalent,
            UpdatedAt = record.UpdatedAt,
            Data = data,
            DataJson = dataJson,
            PendingChange = PendingOf(record, caller),
            ReturnComment = internals ? record.ReturnComment : null,
            DeregistrationRequest = internals && record.DeregistrationRequest is not null
                ? JsonSerializer.Deserialize<DeregistrationRequest>(record.DeregistrationRequest, bodies.Options)
                : null,
            Aliases = withAliases && record.WasRegistered ? aliases ?? await AliasesAsync(record, cancellationToken) : null,
            Facts = preloadedFacts.GetValueOrDefault(record.Id),
        };
    }

    /// <summary>
    /// The facts the type's resource keeps beside its records (none for most types), for many records at once, on the
    /// unit of work's connection: a write's response sees its own transaction and holds no second connection.
    /// </summary>
    private async Task<Dictionary<Guid, Dictionary<string, object>>> FactsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (!facts.Any())
        {
            return [];
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await RecordFacts.ForAsync(facts, (NpgsqlConnection)db.Database.GetDbConnection(), ids, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The record's aliases, those added in this unit of work (a recoding) included.</summary>
    private async Task<List<AliasResponse>> AliasesAsync(RegisterRecord record, CancellationToken cancellationToken)
    {
        var stored = await db.RecordAliases.AsNoTracking().Where(a => a.RecordId == record.Id).ToListAsync(cancellationToken);
        var added = db.RecordAliases.Local.Where(a => a.RecordId == record.Id && !stored.Any(s => s.Code == a.Code));
        return stored.Concat(added).OrderBy(a => a.ValidTo)
            .Select(a => new AliasResponse { Code = a.Code, ValidFrom = a.ValidFrom, ValidTo = a.ValidTo })
            .ToList();
    }

    private PendingChange<TBody>? PendingOf(RegisterRecord record, Caller caller) =>
        record.PendingStatus is { } pending && record.Working is not null && RecordAccess.CanSeeInternals(caller, record)
            ? new PendingChange<TBody> { Status = pending, Data = bodies.Deserialize<TBody>(record.Working) }
            : null;

    private string LocationOf(RegisterRecord record) => $"/api/v1/{type.Resource}/{record.Id}";

    private RegisterProblem NotFound(string id) =>
        Problem.Missing(Http, $"No {type.Noun} '{id}' exists for you.", "record.not-found");
}

/// <summary>A registered record that refers to another, as a refused deregistration lists it.</summary>
public sealed record Referrer(string ObjectType, string Code, Guid Id);

/// <summary>One row of a lineage walk.</summary>
public sealed record LineageRow(Guid Id, string Code, string Status, string? SupersededBy, bool? Equivalent, int Distance)
{
    public LineageEntry ToEntry() => new()
    {
        Id = Id, Code = Code, Status = Enum.Parse<RecordStatus>(Status), SupersededBy = SupersededBy, Equivalent = Equivalent, Distance = Distance,
    };
}

/// <summary>Every sequence number under a code prefix is used; the registrar has to decide what happens next.</summary>
public sealed class CodeSpaceExhaustedException(string prefix) : Exception($"All sequence numbers under the code prefix {prefix} are used.");
