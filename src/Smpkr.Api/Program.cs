using Smpkr.Api.Auth;
using Smpkr.Api.Classifiers;
using Smpkr.Api.Data;
using Smpkr.Api.Hosting;
using Smpkr.Api.Hosting.DevServices;
using Smpkr.Api.Problems;

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
builder.AddHealth();

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
openData.MapPublishedClassifiers();

await app.InitializeDatabaseAsync();
await app.RunAsync();
