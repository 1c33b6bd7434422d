using Mapster;

namespace Smpkr.Api.Hosting;

internal static class MappingSetup
{
    /// <summary>Loads every <see cref="IRegister"/> of the service into Mapster's global configuration once.</summary>
    public static void AddMapping(this WebApplicationBuilder builder)
    {
        TypeAdapterConfig.GlobalSettings.RequireExplicitMapping = false;
        TypeAdapterConfig.GlobalSettings.Scan(typeof(MappingSetup).Assembly);
    }
}
