namespace Smpkr.Api.Register;

/// <summary>LTKS levels (I–VIII) and the EQF levels they equal, as every type with levels checks them.</summary>
public static class Levels
{
    private static readonly string[] Ltks = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"];

    /// <summary>1–8 for a known LTKS level, 0 otherwise.</summary>
    public static int Number(string? ltks) => Array.IndexOf(Ltks, ltks) + 1;

    public static void Check(ContentCheck check, string? ltks, int? eqf)
    {
        check.InClassifier("ltksLevel", ltks, "KL_LTKS");
        check.Range("eqfLevel", eqf, 1, 8);
        var number = Number(ltks);
        if (number > 0 && eqf is { } e && e != number)
        {
            check.Add("eqfLevel", "level.eqf-mismatch", $"LTKS level {ltks} corresponds to EQF level {number}, not {e}.");
        }
    }
}
