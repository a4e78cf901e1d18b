using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>State tables kept bounded: the housekeeping timer and the hash purge after an import (event ids 5500–5599).</summary>
public static partial class HullLog
{
    [LoggerMessage(5500, LogLevel.Information, "connector.housekeeping.purge {Store} {Deleted}", EventName = "connector.housekeeping.purge")]
    public static partial void HousekeepingPurged(this ILogger logger, string store, int deleted);

    [LoggerMessage(5501, LogLevel.Error, "connector.housekeeping.error {Store} {Error}", EventName = "connector.housekeeping.error")]
    public static partial void HousekeepingFailed(this ILogger logger, Exception exception, string store, string error);

    [LoggerMessage(5502, LogLevel.Information, "incoming.hashes.purge {Kind} {Deleted} {Marked} {Seen}", EventName = "incoming.hashes.purge")]
    public static partial void UnseenHashesPurged(this ILogger logger, string kind, int deleted, int marked, int seen);

    [LoggerMessage(5503, LogLevel.Warning, "incoming.hashes.error {Kind} {Error}", EventName = "incoming.hashes.error")]
    public static partial void UnseenHashPurgeFailed(this ILogger logger, string kind, string error);

    [LoggerMessage(5504, LogLevel.Information, "incoming.hashes.purge.skip {Kind} {Reason}", EventName = "incoming.hashes.purge.skip")]
    public static partial void UnseenHashPurgeSkipped(this ILogger logger, string kind, string reason);
}
