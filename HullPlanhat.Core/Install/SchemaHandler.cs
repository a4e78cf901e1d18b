using System.Text.Json.Serialization;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Planhat;
using Microsoft.AspNetCore.Http;

namespace HullPlanhat.Core.Install;

public sealed record SchemaOption([property: JsonPropertyName("value")] string Value, [property: JsonPropertyName("label")] string Label);

/// <summary>The original's answer shape: <c>{ok, error, options}</c>.</summary>
public sealed record SchemaAnswer(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("options")] IReadOnlyList<SchemaOption> Options);

/// <summary>
/// <c>GET /schema/{type}</c>: the Planhat fields a mapping may target, for the field pickers of the
/// settings UI (<c>loadOptions</c> in the manifest). Called from Hull's dashboard in the browser, hence CORS.
/// </summary>
public sealed class SchemaHandler : IHttpFunction
{
    public const string TypeRouteValue = "type";

    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.HttpContext.Response.Headers.AccessControlAllowOrigin = "*";
        var type = request.RouteValues[TypeRouteValue]?.ToString() ?? string.Empty;
        return Task.FromResult(Results.Json(Answer(type), InstallJsonContext.Default.SchemaAnswer));
    }

    public static SchemaAnswer Answer(string type) => Fields(type) is { } fields
        ? new SchemaAnswer(true, null, [.. fields.Select(f => new SchemaOption(f.Key, f.Label))])
        : new SchemaAnswer(false, $"Unrecognized type: \"{type}\"", []);

    private static IReadOnlyList<PlanhatField>? Fields(string type) => type switch
    {
        "contacts" => PlanhatSchema.Contacts,
        "companies" => PlanhatSchema.Companies,
        "licenses" => PlanhatSchema.Licenses,
        _ => null,
    };
}

[JsonSerializable(typeof(SchemaAnswer))]
internal sealed partial class InstallJsonContext : JsonSerializerContext;
