using Smpkr.Api.Accreditations;
using Smpkr.Api.Audit;
using Smpkr.Api.Auth;
using Smpkr.Api.Classifiers;
using Smpkr.Api.Data;
using Smpkr.Api.Hosting;
using Smpkr.Api.Hosting.DevServices;
using Smpkr.Api.Problems;
using Smpkr.Api.ProfessionalStandards;
using Smpkr.Api.Programmes;
using Smpkr.Api.Providers;
using Smpkr.Api.Publication;
using Smpkr.Api.Qualifications;
using Smpkr.Api.Register;
using Smpkr.Api.SampleData;
using Smpkr.Api.Search;
using Smpkr.Api.VetStandards;

var builder = WebApplication.CreateBuilder(args);

builder.AddDevServices();
builder.AddJson();
builder.AddProblems();
builder.AddRequestLimits();
builder.AddData();
builder.AddMapping();
builder.AddAuth();
builder.AddApiSurface();
builder.AddRateLimits();
builder.AddRegister();
builder.AddSearch();
builder.AddProgrammes();
builder.AddAccreditations();
builder.AddQualifications();
builder.AddProfessionalStandards();
builder.AddVetStandards();
builder.AddPublication();
builder.AddHealth();
builder.AddTelemetry();

var app = builder.Build();

app.UseProblems();
app.UseSecurityHeaders();
app.UseReadOnlyOpenData();
app.UseRouting();
app.UseCors();
app.UseRequestLimits();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseContentNegotiation();
app.UseSwaggerDocs();

app.MapHealth();
var register = app.MapRegisterApi();
var openData = app.MapOpenDataApi();
register.MapClassifiers();
register.MapProviders();
register.MapProgrammes();
register.MapAccreditations();
register.MapQualifications();
register.MapProfessionalStandards();
register.MapVetStandards();
register.MapAudit();
register.MapBatches();
openData.MapPublishedClassifiers();
openData.MapPublication();
app.BuildEndpointsOnce();

if (await app.RunMigrateCommandAsync(args))
{
    await app.DisposeAsync(); // the log is written by a background queue: flushed before the process ends
    return;
}

await app.InitializeDatabaseAsync();
await app.IndexUnsearchedRecordsAsync();
await app.InitializePublicationAsync();
await app.LoadSampleRegisterAsync();
await app.RunAsync();
