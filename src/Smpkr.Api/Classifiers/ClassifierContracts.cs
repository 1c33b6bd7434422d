using Smpkr.Api.Register;

namespace Smpkr.Api.Classifiers;

/// <summary>A classifier without its items.</summary>
/// <param name="Abbreviation">The classifier's abbreviation. <example>KL_STUDIJU_KRYPTYS</example></param>
/// <param name="Name">The classifier's name.</param>
/// <param name="Description">What the classifier lists and where its values come from.</param>
/// <param name="ItemCount">How many items it has, retired ones included. <example>98</example></param>
public sealed record ClassifierSummary(string Abbreviation, LocalizedText Name, string? Description, int ItemCount);

/// <summary>A classifier with the items selected by the request.</summary>
/// <param name="Abbreviation">The classifier's abbreviation. <example>KL_LTKS</example></param>
/// <param name="Name">The classifier's name.</param>
/// <param name="Description">What the classifier lists and where its values come from.</param>
/// <param name="ValidAt">The day the items are in force on; absent when every item, retired ones included, is listed. <example>2026-09-01</example></param>
/// <param name="Items">The items, in the classifier's own order.</param>
public sealed record ClassifierResponse(
    string Abbreviation, LocalizedText Name, string? Description, DateOnly? ValidAt, IReadOnlyList<ClassifierItemResponse> Items);

/// <summary>One classifier item.</summary>
/// <param name="Code">The item's code, unique within its classifier. <example>B01</example></param>
/// <param name="Name">The item's name.</param>
/// <param name="Description">A longer explanation, when there is one.</param>
/// <param name="Parent">The code of the parent item (for hierarchies such as ISCED-F or study fields). <example>B</example></param>
/// <param name="ValidFrom">First day in force. <example>2017-01-01</example></param>
/// <param name="ValidTo">Last day in force; absent while current.</param>
public sealed record ClassifierItemResponse(
    string Code, LocalizedText Name, string? Description, string? Parent, DateOnly? ValidFrom, DateOnly? ValidTo);

/// <summary>A new classifier item, as the registrar sends it.</summary>
/// <param name="Code">Letters, digits, '.', '_' or '-', at most 64 characters. <example>B05</example></param>
/// <param name="Name">Bilingual name; Lithuanian required.</param>
/// <param name="Description">Optional explanation, at most 2000 characters.</param>
/// <param name="Parent">Code of an existing item of the same classifier. <example>B</example></param>
/// <param name="ValidFrom">First day in force. <example>2027-01-01</example></param>
/// <param name="ValidTo">Last day in force, not before validFrom.</param>
public sealed record NewClassifierItem(
    string? Code, LocalizedTextInput? Name, string? Description, string? Parent, DateOnly? ValidFrom, DateOnly? ValidTo);
