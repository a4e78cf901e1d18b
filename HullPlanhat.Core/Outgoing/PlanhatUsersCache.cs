using System.Text.Json.Nodes;
using HullPlanhat.Core.Planhat;

namespace HullPlanhat.Core.Outgoing;

/// <summary>
/// Planhat's team members per connector, cached 10 minutes in this process (owner validation and
/// the internal users API share it). A failed fetch is never cached.
/// </summary>
public sealed class PlanhatUsersCache(PlanhatClient planhat, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    private readonly Dictionary<string, (DateTimeOffset Expires, Task<IReadOnlyList<JsonObject>> Users)> cache = new();

    public async Task<IReadOnlyList<JsonObject>> GetAsync(PlanhatConnection connection, bool refresh, CancellationToken cancellationToken)
    {
        (DateTimeOffset Expires, Task<IReadOnlyList<JsonObject>> Users) entry;
        lock (cache)
        {
            var now = clock.GetUtcNow();
            if (refresh || !cache.TryGetValue(connection.ConnectorId, out entry) || entry.Expires <= now || entry.Users.IsFaulted || entry.Users.IsCanceled)
            {
                // Concurrent callers share one fetch; CancellationToken.None so one caller's cancel does not fail the others.
                entry = (now + Ttl, planhat.ListUsersAsync(connection, CancellationToken.None));
                cache[connection.ConnectorId] = entry;
            }
        }

        try
        {
            return await entry.Users.WaitAsync(cancellationToken);
        }
        catch when (entry.Users.IsFaulted)
        {
            Invalidate(connection.ConnectorId, entry.Users);
            throw;
        }
    }

    public async Task<IReadOnlySet<string>> GetIdsAsync(PlanhatConnection connection, CancellationToken cancellationToken) =>
        (await GetAsync(connection, refresh: false, cancellationToken))
            .Select(u => u["_id"]?.ToString()).OfType<string>().ToHashSet(StringComparer.Ordinal);

    public void Invalidate(string connectorId)
    {
        lock (cache)
        {
            cache.Remove(connectorId);
        }
    }

    private void Invalidate(string connectorId, Task<IReadOnlyList<JsonObject>> failed)
    {
        lock (cache)
        {
            if (cache.TryGetValue(connectorId, out var current) && current.Users == failed)
            {
                cache.Remove(connectorId);
            }
        }
    }
}
