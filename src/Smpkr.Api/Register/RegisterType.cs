using Smpkr.Api.Search;

namespace Smpkr.Api.Register;

/// <summary>
/// How one type of register object behaves on the shared machinery: its names, its kinds, its
/// rules and its code strategy. Adding a type of object means writing one of these and mapping its
/// endpoints with <see cref="RegisterEndpoints"/>; nothing in <c>Register/</c> changes.
/// </summary>
public abstract class RegisterType<TBody>
    where TBody : class
{
    /// <summary>The stored type name, e.g. <c>programme</c>.</summary>
    public abstract string ObjectType { get; }

    /// <summary>The path segment, e.g. <c>programmes</c>.</summary>
    public abstract string Resource { get; }

    /// <summary>Singular name for operation ids, e.g. <c>Programme</c>.</summary>
    public abstract string Singular { get; }

    /// <summary>The object's name in messages, e.g. <c>programme</c>.</summary>
    public virtual string Noun => Singular.ToLowerInvariant();

    /// <summary>The role that owns such objects (programmes: provider; qualifications: standards body).</summary>
    public abstract string OwnerRole { get; }

    /// <summary>The discriminator values the body accepts in <c>kind</c>; empty when the type has no kinds.</summary>
    public virtual IReadOnlyList<string> Kinds => [];

    public abstract ICodeStrategy<TBody> Codes { get; }

    /// <summary>The kind of a body; the provider must be allowed to submit it.</summary>
    public abstract string KindOf(TBody body);

    public abstract LocalizedTextInput NameOf(TBody body);

    public virtual IReadOnlyList<string> CoProvidersOf(TBody body) => [];

    /// <summary>Adds every broken rule of <paramref name="body"/> to <paramref name="check"/>.</summary>
    public abstract void Check(TBody body, ContentCheck check);

    /// <summary>The registered objects the body refers to, checked to exist: (path, object type, code).</summary>
    public virtual IEnumerable<(string Path, string ObjectType, string Code)> LinksOf(TBody body) => [];

    /// <summary>What the body contributes to search: its descriptive text and the values its filters and facets use.</summary>
    public virtual SearchFields SearchFieldsOf(TBody body) => SearchFields.None;
}

/// <summary>
/// How state codes of one type are made: a prefix derived from the content and a sequence number
/// allocated centrally per prefix. A house rule lives in exactly one of these.
/// </summary>
public interface ICodeStrategy<in TBody>
{
    /// <summary>How many digits the sequence of this body's code has (the largest number is 10^digits − 1).</summary>
    int SequenceDigitsFor(TBody body);

    /// <summary>The prefix of the code this body gets at registration.</summary>
    string PrefixFor(TBody body);

    /// <summary>A code the body brings with it (an imported legacy code), used as it is instead of a new one.</summary>
    string? FixedCodeFor(TBody body) => null;

    /// <summary>Broken rules when a change would make the registered code contradict the content.</summary>
    IEnumerable<(string Path, string Code, string Message)> Contradictions(string code, TBody body);
}

/// <summary>A register type as search sees it: its names, kinds and the search fields of a stored body.</summary>
internal sealed class SearchableRegisterType<TBody>(RegisterType<TBody> type, RegisterBodies bodies) : ISearchableType
    where TBody : class
{
    public string ObjectType => type.ObjectType;

    public string Resource => type.Resource;

    public IReadOnlyList<string> Kinds => type.Kinds;

    public SearchFields FieldsOf(string content) => type.SearchFieldsOf(bodies.Deserialize<TBody>(content));
}
