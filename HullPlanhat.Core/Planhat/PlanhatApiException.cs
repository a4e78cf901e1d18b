using System.Net;

namespace HullPlanhat.Core.Planhat;

/// <summary>Planhat answered with an error status after retries; carries its status and message.</summary>
public sealed class PlanhatApiException(HttpStatusCode status, string method, string path, string body)
    : Exception($"Planhat {method} {path} failed with {(int)status} {status}: {Truncate(body)}")
{
    public HttpStatusCode Status { get; } = status;
    public string Body { get; } = body;

    private static string Truncate(string body) => body.Length <= 500 ? body : body[..500] + "…";
}
