using Smpkr.Api.Register;

namespace Smpkr.Api.Programmes;

/// <summary>
/// State codes of programmes, one strategy per kind (spec/domain.md §3.1–3.3):
/// study <c>NNNN A A NNN</c> (kind prefix, field group, second group or X, sequence);
/// VET <c>L N N NNNN NN</c> (M/P, LTKS digit, ISCED level digit, ISCED-F field, sequence) [house rule];
/// general <c>U N NNN</c> (ISCED level digit, sequence) [house rule].
/// </summary>
public sealed class ProgrammeCodes : ICodeStrategy<ProgrammeBody>
{
    /// <summary>VET codes end in two sequence digits, the others in three.</summary>
    public int SequenceDigitsFor(ProgrammeBody body) => body is VocationalProgramme ? 2 : 3;

    /// <summary>The four-digit kind prefix of a study programme [fact, read from real codes].</summary>
    public static string StudyKindPrefix(string? studyType, string? cycle, bool residency) => (studyType, cycle) switch
    {
        ("university", "first") => "6121",
        ("college", "first") => "6531",
        (_, "second") => "6211",
        (_, "integrated") => "6011",
        (_, "non-degree") => residency ? "7330" : "6310",
        // Doctoral studies have no prefix in the codes read; this one is a house rule.
        (_, "third") => "6411",
        _ => "0000",
    };

    public string PrefixFor(ProgrammeBody body) => body switch
    {
        StudyProgramme s => StudyKindPrefix(s.StudyType, s.Cycle, s.Residency == true) + s.FieldGroup + (s.SecondFieldGroup ?? "X"),
        VocationalProgramme v =>
            (v.Modular == true ? "M" : "P") + Levels.Number(v.LtksLevel) + (v.IscedLevel?[..1] ?? "0") + (v.IscedF is [var first, ..] ? first : "0000"),
        GeneralProgramme g => "U" + (g.IscedLevel?[..1] ?? "0"),
        _ => throw new ArgumentOutOfRangeException(nameof(body)),
    };

    public IEnumerable<(string Path, string Code, string Message)> Contradictions(string code, ProgrammeBody body)
    {
        var prefix = PrefixFor(body);
        var digits = SequenceDigitsFor(body);
        if (code.Length != prefix.Length + digits || code[..^digits] == prefix)
        {
            // Legacy and imported codes are opaque: nothing to contradict.
            yield break;
        }

        var registered = code[..^digits];
        if (body is StudyProgramme study)
        {
            if (registered[..4] != prefix[..4])
            {
                yield return ("cycle", "code.kind-mismatch",
                    $"The code {code} is for kind prefix {registered[..4]}; studyType and cycle now give {prefix[..4]}. Such a change needs a new programme.");
            }

            if (registered[4] != prefix[4])
            {
                yield return ("fieldGroup", "code.field-group-mismatch",
                    $"The code {code} has field group {registered[4]}; fieldGroup '{study.FieldGroup}' contradicts it.");
            }

            if (registered[5] != prefix[5])
            {
                yield return ("secondFieldGroup", "code.field-group-mismatch",
                    $"The code {code} has second field group {registered[5]}; secondFieldGroup contradicts it.");
            }
        }
        else
        {
            yield return ("", "code.prefix-mismatch",
                $"The code {code} has prefix {registered}; the content now gives {prefix}. Such a change needs a new programme.");
        }
    }
}
