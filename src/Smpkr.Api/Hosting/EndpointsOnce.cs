using Microsoft.Extensions.Primitives;

namespace Smpkr.Api.Hosting;

/// <summary>
/// Builds the endpoints once. ASP.NET Core reads the mapped endpoints through two separate composites
/// — the authorization middleware's policy cache at start-up and the routing middleware's matcher at
/// the first request — and a route group's data source builds its endpoints afresh each time it is
/// read, compiling a request delegate for every handler (114 operations and the health endpoints).
/// A start-up trace (docs/benchmarks.md, "Start-up") showed that compilation as most of the time to
/// ready, done twice. Each top-level data source is wrapped so that both read the same endpoint
/// objects; a data source whose change token fires is read afresh.
/// </summary>
internal static class EndpointsOnce
{
    /// <summary>Call after every endpoint is mapped (before the application starts).</summary>
    public static void BuildEndpointsOnce(this WebApplication app)
    {
        var sources = ((IEndpointRouteBuilder)app).DataSources;
        var wrapped = sources.Select(source => new KeptEndpoints(source)).ToList();
        sources.Clear();
        foreach (var source in wrapped)
        {
            sources.Add(source);
        }
    }

    private sealed class KeptEndpoints : EndpointDataSource
    {
        private readonly EndpointDataSource _inner;
        private readonly Lock _lock = new();
        private IReadOnlyList<Endpoint>? _endpoints;

        public KeptEndpoints(EndpointDataSource inner)
        {
            _inner = inner;
            ChangeToken.OnChange(inner.GetChangeToken, () =>
            {
                lock (_lock)
                {
                    _endpoints = null;
                }
            });
        }

        public override IReadOnlyList<Endpoint> Endpoints
        {
            get
            {
                lock (_lock)
                {
                    return _endpoints ??= _inner.Endpoints;
                }
            }
        }

        public override IChangeToken GetChangeToken() => _inner.GetChangeToken();

        public override IReadOnlyList<Endpoint> GetGroupedEndpoints(RouteGroupContext context) => _inner.GetGroupedEndpoints(context);
    }
}
