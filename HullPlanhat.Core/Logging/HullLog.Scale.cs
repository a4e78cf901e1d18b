using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Throughput at scale: back-pressure on Hull (event ids 5000–5099).</summary>
public static partial class HullLog
{
    [LoggerMessage(5000, LogLevel.Information, "connector.notification.slowed {QueueDepth} {Size} {In}", EventName = "connector.notification.slowed")]
    public static partial void BackPressure(this ILogger logger, long queueDepth, int size, int @in);
}
