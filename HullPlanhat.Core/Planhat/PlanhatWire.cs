namespace HullPlanhat.Core.Planhat;

/// <summary>
/// Whether any attempt of a Planhat request reached the network: set by the innermost handler
/// (<see cref="PlanhatRateLimitHandler"/>) just before it hands the request to the connection. A
/// write that failed or was cancelled before that (waiting for the rate limit, an attempt timeout)
/// certainly was not applied. Shared by reference, so retries' copies of the request report here too.
/// </summary>
public sealed class PlanhatWire
{
    public static readonly HttpRequestOptionsKey<PlanhatWire> Key = new("planhat.wire");

    private int attempts;

    public bool Reached => Volatile.Read(ref attempts) > 0;

    public static void MarkAttempt(HttpRequestMessage request)
    {
        if (request.Options.TryGetValue(Key, out var wire))
        {
            Interlocked.Increment(ref wire.attempts);
        }
    }
}
