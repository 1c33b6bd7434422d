using Smpkr.Api.Auth;
using Smpkr.Api.Register;
using Smpkr.Api.Search;

namespace Smpkr.Api.Programmes;

/// <summary>Programmes of all three kinds on the register machinery, with their rules in one place.</summary>
public sealed class ProgrammeType : RegisterType<ProgrammeBody>
{
    public override string ObjectType => "programme";

    public override string Resource => "programmes";

    public override string Singular => "Programme";

    public override string OwnerRole => Roles.Provider;

    public override IReadOnlyList<string> Kinds => ProgrammeKinds.All;

    public override ICodeStrategy<ProgrammeBody> Codes { get; } = new ProgrammeCodes();

    public override string KindOf(ProgrammeBody body) => KindName(body);

    public static string KindName(ProgrammeBody body) => body switch
    {
        StudyProgramme => ProgrammeKinds.Study,
        VocationalProgramme => ProgrammeKinds.Vocational,
        GeneralProgramme => ProgrammeKinds.General,
        _ => throw new ArgumentOutOfRangeException(nameof(body)),
    };

    public override LocalizedTextInput NameOf(ProgrammeBody body) => body.Name ?? new LocalizedTextInput(string.Empty, null);

    public override IReadOnlyList<string> CoProvidersOf(ProgrammeBody body) => body.CoProviders ?? [];

    public override IEnumerable<(string Path, string ObjectType, string Code)> LinksOf(ProgrammeBody body) =>
        body.QualificationCode is { } code ? [("qualificationCode", "qualification", code)] : [];

    public override SearchFields SearchFieldsOf(ProgrammeBody body)
    {
        LocalizedLongTextInput?[] sections = body.Summary is { } s
            ? [s.General, s.Aims, s.LearningOutcomes, s.Structure, s.TeachingAndLearning, s.Assessment]
            : [];
        var fields = new SearchFields
        {
            SummaryLt = SearchFields.Join(sections.Select(t => t?.Lt)),
            SummaryEn = SearchFields.Join(sections.Select(t => t?.En)),
            IscedF = body.IscedF ?? [],
            Languages = body.Languages ?? [],
        };
        return body switch
        {
            StudyProgramme study => fields with
            {
                FieldGroup = study.FieldGroup,
                StudyField = study.StudyField,
                LtksLevel = study.LtksLevel,
                EqfLevel = study.EqfLevel,
                Cycle = study.Cycle,
                StudyType = study.StudyType,
                Forms = [.. (study.Forms ?? []).Select(f => f?.Form).OfType<string>()],
            },
            VocationalProgramme vocational => fields with { LtksLevel = vocational.LtksLevel, EqfLevel = vocational.EqfLevel },
            _ => fields,
        };
    }

    public override void Check(ProgrammeBody body, ContentCheck check)
    {
        check.Name("name", body.Name);
        CheckSummary(body.Summary, check);
        if (body.CoProviders is { } coProviders)
        {
            for (var i = 0; i < coProviders.Count; i++)
            {
                check.Text($"coProviders[{i}]", coProviders[i], 32, required: true);
            }
        }

        check.EachInClassifier("iscedF", body.IscedF, "KL_ISCED_F", 1, 5);
        if (body.IscedF is { } fields)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                if (fields[i] is { Length: not 4 })
                {
                    check.Add($"iscedF[{i}]", "isced-f.not-detailed", "Use a detailed (4-digit) ISCED-F field.");
                }
            }
        }

        if (check.InClassifier("iscedLevel", body.IscedLevel, "KL_ISCED_2011") is not null && body.IscedLevel!.Length != 3)
        {
            check.Add("iscedLevel", "isced-level.not-programme-code", "Use a 3-digit ISCED 2011 programme code.");
        }

        check.EachInClassifier("languages", body.Languages, "KL_KALBOS", body is StudyProgramme ? 1 : 0, 10);
        check.Text("qualificationCode", body.QualificationCode, 32);

        switch (body)
        {
            case StudyProgramme study:
                CheckStudy(study, check);
                break;
            case VocationalProgramme vocational:
                CheckVocational(vocational, check);
                break;
            case GeneralProgramme general:
                check.InClassifier("educationLevel", general.EducationLevel, "KL_UGDYMO_LYGMENYS");
                CheckDuration("duration", general.Duration, check);
                CheckApproval(general.Approval, check);
                break;
        }
    }

    private static void CheckStudy(StudyProgramme study, ContentCheck check)
    {
        check.InClassifier("studyType", study.StudyType, "KL_STUDIJU_RUSYS");
        check.InClassifier("cycle", study.Cycle, "KL_STUDIJU_PAKOPOS");
        if (study.StudyType == "college" && study.Cycle is "second" or "third" or "integrated")
        {
            check.Add("cycle", "cycle.not-for-college", $"Colleges do not run {study.Cycle}-cycle studies.");
        }

        if (study.Residency == true && study.Cycle != "non-degree")
        {
            check.Add("residency", "residency.not-non-degree", "A residency is a non-degree programme.");
        }

        check.InClassifier("fieldGroup", study.FieldGroup, "KL_STUDIJU_KRYPCIU_GRUPES");
        var field = check.InClassifier("studyField", study.StudyField, "KL_STUDIJU_KRYPTYS");
        if (field is not null && (study.StudyField!.Length != 3 || field.Parent != study.FieldGroup))
        {
            check.Add("studyField", "study-field.group-mismatch",
                $"Study field '{study.StudyField}' is not a field of group '{study.FieldGroup}'.");
        }

        if (check.InClassifier("secondFieldGroup", study.SecondFieldGroup, "KL_STUDIJU_KRYPCIU_GRUPES", required: false) is not null
            && study.SecondFieldGroup == study.FieldGroup)
        {
            check.Add("secondFieldGroup", "field-group.repeated", "The second field group must differ from the first.");
        }

        Levels.Check(check, study.LtksLevel, study.EqfLevel);
        check.Range("credits", study.Credits, 1, 480);
        check.Name("award", study.Award);
        if (study.Forms is null || study.Forms.Count == 0)
        {
            check.Add("forms", "value.required", "At least one form of study is required.");
        }
        else
        {
            for (var i = 0; i < study.Forms.Count; i++)
            {
                var form = study.Forms[i];
                if (form is null)
                {
                    check.Add($"forms[{i}]", "value.required", "A form is required.");
                    continue;
                }

                check.InClassifier($"forms[{i}].form", form.Form, "KL_STUDIJU_FORMOS");
                CheckDuration($"forms[{i}].duration", form.Duration, check);
            }

            if (study.Forms.Where(f => f is not null).GroupBy(f => f.Form).Any(g => g.Count() > 1))
            {
                check.Add("forms", "list.duplicate", "Each form of study may appear once.");
            }
        }
    }

    private static void CheckVocational(VocationalProgramme vocational, ContentCheck check)
    {
        check.Required("modular", vocational.Modular);
        check.InClassifier("purpose", vocational.Purpose, "KL_PM_PASKIRTIS");
        Levels.Check(check, vocational.LtksLevel, vocational.EqfLevel);
        if (vocational.LtksLevel is not null && vocational.LtksLevel is not ("II" or "III" or "IV" or "V"))
        {
            check.Add("ltksLevel", "ltks.not-for-vet", "VET programmes are at LTKS levels II–V.");
        }

        check.Range("credits", vocational.Credits, 1, 240);
        CheckDuration("duration", vocational.Duration, check);
        check.InClassifier("minimumEducation", vocational.MinimumEducation, "KL_MINIMALUS_ISSILAVINIMAS");
        check.LongText("entryRequirements", vocational.EntryRequirements);
        check.InClassifier("award", vocational.Award, "KL_PM_TEIKIAMA");
        if (vocational.Modules is { } modules)
        {
            for (var i = 0; i < modules.Count; i++)
            {
                check.Text($"modules[{i}].code", modules[i]?.Code, 32, required: true);
                check.Name($"modules[{i}].name", modules[i]?.Name);
                check.Range($"modules[{i}].credits", modules[i]?.Credits, 1, 120);
            }

            if (modules.Where(m => m?.Code is not null).GroupBy(m => m.Code).Any(g => g.Count() > 1))
            {
                check.Add("modules", "list.duplicate", "Module codes must be unique within the programme.");
            }
        }

        CheckApproval(vocational.Approval, check);
    }

    private static void CheckDuration(string path, Duration? duration, ContentCheck check)
    {
        if (!check.Required(path, duration))
        {
            return;
        }

        var max = duration!.Unit == "months" ? 120 : 10;
        check.Range($"{path}.value", duration.Value, 1, max);
        if (duration.Unit is not ("years" or "months"))
        {
            check.Add($"{path}.unit", "duration.unit", "Use 'years' or 'months'.");
        }
    }

    private static void CheckApproval(Approval? approval, ContentCheck check)
    {
        if (approval is null)
        {
            return;
        }

        check.Text("approval.number", approval.Number, 100);
        check.Text("approval.document", approval.Document, 250);
        check.NotInFuture("approval.date", approval.Date);
    }

    private static void CheckSummary(ProgrammeSummary? summary, ContentCheck check)
    {
        if (summary is null)
        {
            return;
        }

        check.LongText("summary.general", summary.General);
        check.LongText("summary.aims", summary.Aims);
        check.LongText("summary.learningOutcomes", summary.LearningOutcomes);
        check.LongText("summary.structure", summary.Structure);
        check.LongText("summary.teachingAndLearning", summary.TeachingAndLearning);
        check.LongText("summary.assessment", summary.Assessment);
    }
}
