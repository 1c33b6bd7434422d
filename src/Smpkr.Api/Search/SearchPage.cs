using System.ComponentModel.DataAnnotations;

namespace Smpkr.Api.Search;

/// <summary>A page of search results: the items, the next page, and the facets and total when asked.</summary>
public sealed record SearchPage<T>
{
    /// <summary>The items of this page, in the requested order.</summary>
    [MaxLength(1000)]
    public required IReadOnlyList<T> Items { get; init; }

    /// <summary>Full URL of the next page; absent on the last page.</summary>
    /// <example>https://smpkr.example/api/v1/programmes?q=informatika&amp;cursor=eyJGIjoi</example>
    [MaxLength(4000)]
    public Uri? Next { get; init; }

    /// <summary>The exact number of matching records; present only with <c>total=true</c>.</summary>
    public long? Total { get; init; }

    /// <summary>For each facet asked for with <c>facets=</c>: the values among the matching records with their counts, most frequent first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FacetCount>>? Facets { get; init; }
}
