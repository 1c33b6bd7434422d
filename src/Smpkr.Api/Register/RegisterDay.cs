namespace Smpkr.Api.Register;

/// <summary>The register's day is Lithuania's: dates in force, registration and expiry are counted in Europe/Vilnius.</summary>
public static class RegisterDay
{
    private static readonly TimeZoneInfo Vilnius = TimeZoneInfo.FindSystemTimeZoneById("Europe/Vilnius");

    public static DateOnly TodayInLithuania(this TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Vilnius).DateTime);
}
