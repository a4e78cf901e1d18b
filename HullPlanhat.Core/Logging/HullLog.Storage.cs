using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Storage reachability of the host (event ids 4600–4649).</summary>
public static partial class HullLog
{
    [LoggerMessage(4600, LogLevel.Warning, "connector.storage.unreachable {Attempt} {RetryInSeconds} {Error}", EventName = "connector.storage.unreachable")]
    public static partial void StorageUnreachable(this ILogger logger, int attempt, double retryInSeconds, string error);

    [LoggerMessage(4601, LogLevel.Information, "connector.storage.ready {Attempts}", EventName = "connector.storage.ready")]
    public static partial void StorageReady(this ILogger logger, int attempts);
}
