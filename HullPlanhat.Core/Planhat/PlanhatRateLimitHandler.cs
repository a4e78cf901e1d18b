using HullPlanhat.Core.Telemetry;

namespace HullPlanhat.Core.Planhat;

/// <summary>
/// Innermost handler of the Planhat client: every attempt (retries included) waits for the
/// shared <see cref="PlanhatRateGate"/>, is counted, and reports an exhausted budget.
/// </summary>
public sealed class PlanhatRateLimitHandler(PlanhatRateGate gate, PlanhatCallCounter counter, ProductMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var connector = request.Options.TryGetValue(PlanhatClient.ConnectorKey, out var id) ? id : "";
        using var lease = await gate.WaitAsync(connector, cancellationToken);
        counter.Count();
        var response = await base.SendAsync(request, cancellationToken);
        metrics.PlanhatCall(request.Method.Method, request.RequestUri, (int)response.StatusCode);
        if (response.Headers.TryGetValues("X-Rate-Limit-Remaining", out var values)
            && int.TryParse(values.FirstOrDefault(), out var remaining) && remaining <= 0)
        {
            gate.Exhausted();
        }

        return response;
    }
}
