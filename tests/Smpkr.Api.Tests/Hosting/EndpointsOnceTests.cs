using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Smpkr.Api.Tests.Hosting;

/// <summary>The router and the authorization middleware read the same endpoints, built once (Hosting/EndpointsOnce.cs).</summary>
public sealed class EndpointsOnceTests : ApiTest
{
    [Test]
    public async Task A_second_reader_of_the_mapped_endpoints_gets_the_same_endpoint_objects()
    {
        Assert.That((await Anonymous().GetAsync("/health/ready")).IsSuccessStatusCode, "the app has started and routed a request");
        var composite = (CompositeEndpointDataSource)App.Services.GetRequiredService<EndpointDataSource>();

        // What the routing middleware does: its own composite over the same mapped data sources.
        var again = new CompositeEndpointDataSource(composite.DataSources);

        Assert.That(composite.Endpoints, Has.Count.GreaterThan(100), "every operation of both APIs");
        Assert.That(again.Endpoints, Has.Count.EqualTo(composite.Endpoints.Count));
        var rebuilt = composite.Endpoints.Where((endpoint, i) => !ReferenceEquals(endpoint, again.Endpoints[i]))
            .Select(endpoint => endpoint.DisplayName).ToList();
        Assert.That(rebuilt, Is.Empty, "endpoints built afresh for a second reader");
    }
}
