namespace Smpkr.Api.Search;

/// <summary>One type of register object as search knows it, without its body type.</summary>
public interface ISearchableType
{
    /// <summary>The stored type name, e.g. <c>programme</c>.</summary>
    string ObjectType { get; }

    /// <summary>The path segment, e.g. <c>programmes</c>.</summary>
    string Resource { get; }

    /// <summary>The values the <c>kind</c> filter accepts; empty when the type has no kinds.</summary>
    IReadOnlyList<string> Kinds { get; }

    /// <summary>The search fields of a stored body (a version's or a draft's JSON).</summary>
    SearchFields FieldsOf(string content);
}

/// <summary>Every searchable type, by object type and by resource.</summary>
public sealed class SearchableTypes(IEnumerable<ISearchableType> types)
{
    private readonly Dictionary<string, ISearchableType> _byObjectType = types.ToDictionary(t => t.ObjectType, StringComparer.Ordinal);

    public IReadOnlyCollection<ISearchableType> All => _byObjectType.Values;

    public ISearchableType Get(string objectType) => _byObjectType.TryGetValue(objectType, out var type)
        ? type
        : throw new ArgumentOutOfRangeException(nameof(objectType), objectType, "Not a searchable type.");

    public ISearchableType? ByResource(string resource) => _byObjectType.Values.FirstOrDefault(t => t.Resource == resource);

    /// <summary>The fields of a stored body of a type; null for a type no longer served.</summary>
    public SearchFields? FieldsOf(string objectType, string content) =>
        _byObjectType.TryGetValue(objectType, out var type) ? type.FieldsOf(content) : null;
}
