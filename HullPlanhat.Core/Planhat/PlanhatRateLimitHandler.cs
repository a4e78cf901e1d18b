using HullPlanhat.Core.Telemetry;

namespace HullPlanhat.Core.Planhat;

/// <summary>
/// Innermost handler of the Planhat client: every attempt (retries included) waits for the
/// shared <see cref="PlanhatRateGate"/>, is counted (and marked on its <see cref="PlanhatWire"/>),
/// and reports an exhausted budget.
/// </summary>
public sealed class PlanhatRateLimitHandler(PlanhatRateGate gate, SharedPlanhatBudget sharedBudget, PlanhatCallCounter counter, ProductMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var budget = request.Options.TryGetValue(PlanhatClient.BudgetKey, out var key) ? key : "";
        using var lease = await gate.WaitAsync(budget, cancellationToken);
        if (budget.Length > 0 && !IsAnalytics(request))
        {
            await sharedBudget.WaitAsync(budget, cancellationToken);
        }

        counter.Count();
        PlanhatWire.MarkAttempt(request);
        var response = await base.SendAsync(request, cancellationToken);
        metrics.PlanhatCall(request.Method.Method, request.RequestUri, (int)response.StatusCode);
        if (response.Headers.TryGetValues("X-Rate-Limit-Remaining", out var values)
            && int.TryParse(values.FirstOrDefault(), out var remaining) && remaining <= 0)
        {
            gate.Exhausted();
        }

        return response;
    }

    // Planhat's analytics host is exempt from the API quota.
    private static bool IsAnalytics(HttpRequestMessage request) =>
        request.RequestUri?.AbsolutePath.Contains("/analytics/", StringComparison.Ordinal) == true;
}
