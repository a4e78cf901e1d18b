using System.Net;
using HullPlanhat.Core.Planhat;

namespace HullPlanhat.Core.Status;

/// <summary>One cheap Planhat call that tells whether the stored token still works.</summary>
public sealed class PlanhatTokenCheck(PlanhatClient planhat)
{
    public async Task<(ConnectorStatusLevel Level, string? Message)> CheckAsync(PlanhatConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var response = await planhat.SendRawAsync(connection, HttpMethod.Get, "leancompanies?limit=1", null, cancellationToken);
            return Interpret(response.Status);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (ConnectorStatusLevel.Warning, StatusMessages.PlanhatUnreachable(e.GetType().Name));
        }
    }

    /// <summary>401/403 mean the token is wrong; other failures only mean it could not be verified.</summary>
    public static (ConnectorStatusLevel Level, string? Message) Interpret(HttpStatusCode status) => (int)status switch
    {
        < 400 => (ConnectorStatusLevel.Ok, null),
        401 or 403 => (ConnectorStatusLevel.Error, StatusMessages.PlanhatRejectedToken((int)status)),
        _ => (ConnectorStatusLevel.Warning, StatusMessages.PlanhatUnreachable($"HTTP {(int)status}")),
    };
}
