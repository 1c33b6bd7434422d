using Smpkr.Api.Register;

namespace Smpkr.Api.Programmes;

/// <summary>Programmes of all three kinds: the register's shared endpoints over <see cref="ProgrammeType"/>.</summary>
public static class ProgrammeEndpoints
{
    public static void AddProgrammes(this WebApplicationBuilder builder) => builder.AddRegisterType<ProgrammeBody, ProgrammeType>();

    public static void MapProgrammes(this RouteGroupBuilder api) =>
        api.MapRegisterResource(api.ServiceProvider().GetRequiredService<RegisterType<ProgrammeBody>>(), "Programmes");
}
