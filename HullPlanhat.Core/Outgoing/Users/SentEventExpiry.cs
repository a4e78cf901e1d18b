using System.Collections.Concurrent;
using HullPlanhat.Core.Outgoing.Outbox;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Keeps the sent-event ledger bounded: once a day per connector (per instance), the flusher
/// deletes the event ids older than the retention.
/// </summary>
public sealed class SentEventExpiry(SentEventLedger ledger, IOptions<OutboxOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Every = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastRun = new(StringComparer.Ordinal);

    /// <returns>The rows deleted, or null when the connector's purge is not due.</returns>
    public async Task<int?> RunIfDueAsync(string connectorId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (lastRun.TryGetValue(connectorId, out var last) && now - last < Every)
        {
            return null;
        }

        lastRun[connectorId] = now;
        return await ledger.PurgeAsync(connectorId, now - options.Value.SentEventRetention, cancellationToken);
    }
}
