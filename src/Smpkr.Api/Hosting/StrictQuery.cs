using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Hosting;

/// <summary>
/// Rejects query parameters an endpoint does not declare: a typo such as <c>?fieldGrup=B</c> must
/// not silently widen a search. The accepted names are read once per endpoint from its handler.
/// </summary>
internal static class StrictQuery
{
    public static TBuilder RejectUnknownQueryParameters<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factoryContext, next) =>
        {
            var accepted = AcceptedNames(factoryContext.MethodInfo);
            return invocation =>
            {
                var request = invocation.HttpContext.Request;
                var unknown = request.Query.Keys
                    .Where(key => !accepted.Contains(key) || request.RouteValues.ContainsKey(key))
                    .ToList();
                var crowded = request.Query.Where(q => q.Value.Count > ContractLimitsFilter.MaxQueryValues).Select(q => q.Key).ToList();
                if (crowded.Count > 0)
                {
                    return ValueTask.FromResult<object?>(ValidationProblems.Result(invocation.HttpContext, crowded
                        .Select(key => new FieldError(key, "query.too-many-values", $"At most {ContractLimitsFilter.MaxQueryValues} values per parameter."))
                        .ToList()));
                }

                if (unknown.Count == 0)
                {
                    return next(invocation);
                }

                var errors = unknown
                    .Select(key => new FieldError(key, "query.unknown-parameter", "This query parameter is not accepted here."))
                    .ToList();
                var known = accepted.Count == 0 ? "none" : string.Join(", ", accepted.Order(StringComparer.Ordinal));
                return ValueTask.FromResult<object?>(ValidationProblems.Result(
                    invocation.HttpContext,
                    errors, $"Unknown query parameter(s): {string.Join(", ", unknown)}. Accepted: {known}."));
            };
        });

    private static HashSet<string> AcceptedNames(MethodInfo method)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in method.GetParameters())
        {
            AddParameter(names, parameter.Name!, parameter.ParameterType, parameter);
        }

        return names;
    }

    private static void AddParameter(HashSet<string> names, string name, Type type, ICustomAttributeProvider attributes)
    {
        if (attributes.IsDefined(typeof(AsParametersAttribute), inherit: false))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                AddParameter(names, property.Name, property.PropertyType, property);
            }

            return;
        }

        var fromQuery = attributes.GetCustomAttributes(typeof(FromQueryAttribute), inherit: false).OfType<FromQueryAttribute>().FirstOrDefault();
        if (fromQuery is not null)
        {
            names.Add(fromQuery.Name ?? name);
            return;
        }

        var boundElsewhere = attributes.IsDefined(typeof(FromRouteAttribute), false)
            || attributes.IsDefined(typeof(FromBodyAttribute), false)
            || attributes.IsDefined(typeof(FromHeaderAttribute), false)
            || attributes.IsDefined(typeof(FromServicesAttribute), false)
            || attributes.IsDefined(typeof(FromKeyedServicesAttribute), false);
        if (!boundElsewhere && IsQueryBindable(type))
        {
            names.Add(name);
        }
    }

    private static bool IsQueryBindable(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray)
        {
            return IsQueryBindable(type.GetElementType()!);
        }

        if (type == typeof(CancellationToken) || type == typeof(HttpContext) || type == typeof(ClaimsPrincipal))
        {
            return false;
        }

        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
            || type == typeof(DateOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
            || type == typeof(Guid) || type == typeof(TimeOnly);
    }
}
