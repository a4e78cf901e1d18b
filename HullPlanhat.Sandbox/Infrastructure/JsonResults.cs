using System.Text.Json;
using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Infrastructure;

/// <summary>Small helpers to produce JSON responses.</summary>
public static class JsonResults
{
    public static IResult Error(int status, string message) =>
        Results.Json(new JsonObject { ["error"] = message }, statusCode: status);

    public static IResult Node(JsonNode? node, int status = StatusCodes.Status200OK) =>
        Results.Text(node?.ToJsonString() ?? "null", "application/json", statusCode: status);

    /// <summary>Serializes stored objects into a bare JSON array. Call while holding the owner's lock.</summary>
    public static byte[] SerializeArray(IEnumerable<JsonObject> objects)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var obj in objects)
            {
                obj.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    public static IResult Bytes(byte[] json, int status = StatusCodes.Status200OK) => new StatusBytesResult(json, status);

    private sealed class StatusBytesResult(byte[] json, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json";
            return httpContext.Response.Body.WriteAsync(json).AsTask();
        }
    }
}
