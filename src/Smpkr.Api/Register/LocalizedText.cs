namespace Smpkr.Api.Register;

/// <summary>Text the register shows in Lithuanian (always) and English (when given).</summary>
/// <param name="Lt">Lithuanian text.</param>
/// <param name="En">English text, absent when not translated.</param>
public sealed record LocalizedText(string Lt, string? En);

/// <summary>Bilingual text as a client sends it; <see cref="TextRules"/> checks it before it is stored.</summary>
/// <param name="Lt">Lithuanian text (required). <example>Informatika</example></param>
/// <param name="En">English text (optional). <example>Informatics</example></param>
public sealed record LocalizedTextInput(string? Lt, string? En);
