using Smpkr.Api.Search;

namespace Smpkr.Api.Register;

internal static class RegisterSetup
{
    /// <summary>The machinery every register type shares.</summary>
    public static void AddRegister(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ClassifierCatalog>();
        builder.Services.AddSingleton<RegisterBodies>();
        builder.Services.AddScoped<Idempotency>();
        builder.Services.AddHostedService<IdempotencyPurge>();
        builder.Services.AddScoped<UnitOfWork>();
        builder.Services.AddSingleton<RecordReads>();
        builder.Services.AddSingleton<VersionJson>();
    }

    /// <summary>One register type: its rules (singleton) and its records service (per request).</summary>
    public static void AddRegisterType<TBody, TType>(this WebApplicationBuilder builder)
        where TBody : class
        where TType : RegisterType<TBody>, new() =>
        builder.Services
            .AddSingleton<RegisterType<TBody>>(new TType())
            .AddScoped<RegisterRecords<TBody>>()
            .AddSingleton<ISearchableType>(sp => new SearchableRegisterType<TBody>(sp.GetRequiredService<RegisterType<TBody>>(), sp.GetRequiredService<RegisterBodies>()))
            .AddScoped<IBatchTarget, RegisterBatchTarget<TBody>>();

    /// <summary>
    /// Facts a type keeps beside its records (<see cref="IRecordFacts{TBody}"/>): shown with every record of
    /// the type, in lists (per page) and in reads by id or code (per batch of <see cref="RecordReads"/>).
    /// </summary>
    public static void AddRecordFacts<TBody, TFacts>(this WebApplicationBuilder builder)
        where TBody : class
        where TFacts : class, IRecordFacts<TBody> =>
        builder.Services
            .AddSingleton<TFacts>()
            .AddSingleton<IRecordFacts<TBody>>(sp => sp.GetRequiredService<TFacts>())
            .AddSingleton<ITypeFacts>(sp => new TypeFacts<TBody>(sp.GetRequiredService<RegisterType<TBody>>(), sp.GetRequiredService<TFacts>()));

    public static IServiceProvider ServiceProvider(this IEndpointRouteBuilder endpoints) => endpoints.ServiceProvider;
}
