using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Data;
using Smpkr.Api.Register;

namespace Smpkr.Api.Search;

/// <summary>
/// Keeps <see cref="SearchEntry"/> rows in step with register records. The write side stages the
/// entry in its own context, so it is saved by the same <c>SaveChanges</c> and committed (or rolled
/// back) with the record.
/// </summary>
public static class SearchIndex
{
    /// <summary>Adds or refreshes the entry of <paramref name="record"/> from the body it shows.</summary>
    public static async Task StageAsync(SmpkrDbContext db, RegisterRecord record, SearchFields fields, bool isNew, CancellationToken cancellationToken)
    {
        var entry = isNew ? null : await db.SearchEntries.FindAsync([record.Id], cancellationToken);
        if (entry is null)
        {
            entry = new SearchEntry { RecordId = record.Id, ObjectType = record.ObjectType, Owner = record.Owner, NameLt = record.NameLt };
            db.SearchEntries.Add(entry);
        }

        entry.Fill(record, fields);
    }

    /// <summary>
    /// Entries for records that have none (records written before search existed, or loaded in
    /// bulk without them): run at start-up, a no-op once every record has its entry.
    /// </summary>
    public static async Task<int> AddMissingAsync(SmpkrDbContext db, Func<string, string, SearchFields?> fieldsOf, CancellationToken cancellationToken)
    {
        var added = 0;
        while (true)
        {
            var missing = await db.Records.AsNoTracking()
                .Where(r => !db.SearchEntries.Any(e => e.RecordId == r.Id))
                .OrderBy(r => r.Id)
                .Take(500)
                .Select(r => new
                {
                    Record = r,
                    Content = r.CurrentVersion == null
                        ? r.Working
                        : db.RecordVersions.Where(v => v.RecordId == r.Id && v.Version == r.CurrentVersion).Select(v => v.Content).FirstOrDefault(),
                })
                .ToListAsync(cancellationToken);
            if (missing.Count == 0)
            {
                return added;
            }

            foreach (var item in missing)
            {
                var fields = item.Content is null ? SearchFields.None : fieldsOf(item.Record.ObjectType, item.Content) ?? SearchFields.None;
                var entry = new SearchEntry { RecordId = item.Record.Id, ObjectType = item.Record.ObjectType, Owner = item.Record.Owner, NameLt = item.Record.NameLt };
                entry.Fill(item.Record, fields);
                db.SearchEntries.Add(entry);
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            added += missing.Count;
        }
    }
}
