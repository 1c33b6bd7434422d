using System.Text.RegularExpressions;
using Smpkr.Api.Register;

namespace Smpkr.Api.Providers;

/// <summary>The rules a provider record obeys.</summary>
public static partial class ProviderRules
{
    public const string CodePattern = "^[A-Za-z0-9-]{1,32}$";

    public static readonly IReadOnlyList<string> Kinds = ["study", "vocational", "general", "qualification", "professional-standard", "vet-standard"];

    public static void Check(ProviderInput input, bool creating, ContentCheck check)
    {
        if (creating && check.Required("code", input.Code) && !CodeRegex().IsMatch(input.Code!))
        {
            check.Add("code", "provider.code-format", "Use letters, digits or '-', at most 32 characters.");
        }

        if (input.CodeType is not ("legal-entity" or "other"))
        {
            check.Add("codeType", "provider.code-type", "Use 'legal-entity' or 'other'.");
        }
        else if (creating && input.CodeType == "legal-entity" && input.Code is not null && !LegalEntityRegex().IsMatch(input.Code))
        {
            check.Add("code", "provider.legal-entity-code", "A legal-entity code has 9 digits.");
        }

        check.Name("name", input.Name);
        check.InClassifier("type", input.Type, "KL_TEIKEJU_TIPAI");
        for (var i = 0; i < (input.Kinds?.Count ?? 0); i++)
        {
            if (!Kinds.Contains(input.Kinds![i]))
            {
                check.Add($"kinds[{i}]", "provider.kind-unknown", $"Use {string.Join(", ", Kinds)}.");
            }
        }

        check.Text("address", input.Address, 250);
    }

    [GeneratedRegex(CodePattern)]
    private static partial Regex CodeRegex();

    [GeneratedRegex("^[0-9]{9}$")]
    private static partial Regex LegalEntityRegex();
}
