using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace HullPlanhat.Core.InternalApi;

/// <summary>A JSON answer with a status, a body already serialised, and optional extra headers.</summary>
public sealed class JsonBytesResult(int statusCode, byte[] body, IReadOnlyDictionary<string, string>? headers = null) : IResult
{
    public int StatusCode => statusCode;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response.Headers[name] = value;
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}

/// <summary>The internal API's answers.</summary>
public static class ApiResults
{
    public const string BasicChallenge = "Basic realm=\"hull-planhat\"";

    public static IResult Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new JsonBytesResult(status, JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(message), InternalApiJsonContext.Default.ErrorBody), headers);

    public static IResult Unauthorized(string message) =>
        Error(StatusCodes.Status401Unauthorized, message, new Dictionary<string, string> { ["WWW-Authenticate"] = BasicChallenge });

    public static IResult Json(int status, byte[] json) => new JsonBytesResult(status, json);
}
