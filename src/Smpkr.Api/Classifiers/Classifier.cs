namespace Smpkr.Api.Classifiers;

/// <summary>A code list (KL_… style) whose items other register data refers to.</summary>
public sealed class Classifier
{
    public required string Abbreviation { get; init; }
    public required string NameLt { get; set; }
    public string? NameEn { get; set; }
    public string? Description { get; set; }
    public List<ClassifierItem> Items { get; init; } = [];
}

/// <summary>One value of a classifier; retired with <see cref="ValidTo"/>, never deleted once used.</summary>
public sealed class ClassifierItem
{
    public required string ClassifierAbbreviation { get; init; }
    public required string Code { get; init; }
    public required string NameLt { get; set; }
    public string? NameEn { get; set; }
    public string? Description { get; set; }
    public string? ParentCode { get; set; }

    /// <summary>First day the item is in force; null when in force since the classifier began.</summary>
    public DateOnly? ValidFrom { get; set; }

    /// <summary>Last day the item is in force (inclusive); null while current.</summary>
    public DateOnly? ValidTo { get; set; }

    /// <summary>Order in which the classifier lists its items (roman numerals do not sort as text).</summary>
    public int Position { get; set; }

    /// <summary>Increases on every change; the item's ETag.</summary>
    public int Revision { get; set; } = 1;

    public bool IsInForceOn(DateOnly day) =>
        (ValidFrom is null || ValidFrom <= day) && (ValidTo is null || ValidTo >= day);
}
