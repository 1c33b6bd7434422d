namespace Smpkr.Api.Providers;

/// <summary>
/// An institution that submits data (spec/domain.md §2.8), with the kinds of object it may submit.
/// Master data really comes from the education institutions register; here the registrar keeps it.
/// </summary>
public sealed class Provider
{
    /// <summary>Legal-entity code (9 digits) or another identifier, see <see cref="CodeType"/>.</summary>
    public required string Code { get; init; }

    public required string CodeType { get; set; }

    public required string NameLt { get; set; }

    public string? NameEn { get; set; }

    /// <summary>Provider type (KL_TEIKEJU_TIPAI).</summary>
    public required string Type { get; set; }

    /// <summary>Object kinds it may submit: study, vocational, general, qualification, ….</summary>
    public string[] Kinds { get; set; } = [];

    public string? Address { get; set; }

    public int Revision { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
