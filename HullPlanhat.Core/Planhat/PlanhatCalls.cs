namespace HullPlanhat.Core.Planhat;

/// <summary>
/// Turns a Planhat call that still failed after the client's retries into a per-row outcome, so
/// one bad call fails its rows (to be retried later) rather than the whole flush.
/// </summary>
public static class PlanhatCalls
{
    public static Task<T> TryAsync<T>(Func<Task<T>> call, Func<string, T> onFailure, CancellationToken cancellationToken) =>
        TryAsync(call, (Exception e) => onFailure(e.Message), cancellationToken);

    public static async Task<T> TryAsync<T>(Func<Task<T>> call, Func<Exception, T> onFailure, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return onFailure(e);
        }
    }
}
