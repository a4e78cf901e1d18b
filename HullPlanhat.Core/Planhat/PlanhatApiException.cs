using System.Net;
using HullPlanhat.Core.Logging;

namespace HullPlanhat.Core.Planhat;

/// <summary>Planhat answered with an error status after retries; carries its status and message.</summary>
public sealed class PlanhatApiException(HttpStatusCode status, string method, string path, string body)
    : Exception($"Planhat {method} {path} failed with {(int)status} {status}: {Excerpt.Of(body, 500)}")
{
    public HttpStatusCode Status { get; } = status;
    public string Body { get; } = body;
}
