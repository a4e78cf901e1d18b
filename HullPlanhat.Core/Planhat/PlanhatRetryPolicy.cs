using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace HullPlanhat.Core.Planhat;

/// <summary>
/// Which failed Planhat calls the HTTP pipeline may send again. Reads and keyed bulk upserts
/// (<c>PUT</c>) are idempotent and are retried on 429, 5xx and timeouts. A <c>POST</c> creates
/// something Planhat does not deduplicate (activities, team members), so it is sent again only
/// when Planhat certainly did not apply it: a 429, or a connection that was never made.
/// </summary>
public static class PlanhatRetryPolicy
{
    public static ValueTask<bool> ShouldRetry(RetryPredicateArguments<HttpResponseMessage> args)
    {
        var transient = HttpClientResiliencePredicates.IsTransient(args.Outcome);
        if (!transient)
        {
            return ValueTask.FromResult(false);
        }

        var method = args.Outcome.Result?.RequestMessage?.Method ?? args.Context.GetRequestMessage()?.Method;
        return ValueTask.FromResult(IsIdempotent(method) || NotApplied(args.Outcome));
    }

    public static bool IsIdempotent(HttpMethod? method) =>
        method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Head || method == HttpMethod.Delete;

    /// <summary>True when the failure proves the request had no effect.</summary>
    public static bool NotApplied(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests
        || outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}
