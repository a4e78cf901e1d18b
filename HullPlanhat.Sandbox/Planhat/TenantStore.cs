using System.Collections.Concurrent;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>All tenants, by bearer token and by analytics tenant id.</summary>
public sealed class TenantStore
{
    private readonly ConcurrentDictionary<string, Tenant> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Tenant> _byTenantId = new(StringComparer.Ordinal);
    private readonly Lock _createGate = new();
    private readonly TimeProvider _time;
    private readonly int _defaultRpm;

    public TenantStore(TimeProvider time, int defaultRequestsPerMinute)
    {
        _time = time;
        _defaultRpm = defaultRequestsPerMinute;
    }

    /// <summary>Creates a tenant; null when the token or tenant id is taken.</summary>
    public Tenant? TryCreate(string token, string tenantId, int? requestsPerMinute)
    {
        lock (_createGate)
        {
            if (_byToken.ContainsKey(token) || _byTenantId.ContainsKey(tenantId))
            {
                return null;
            }

            var tenant = new Tenant(token, tenantId, new RateLimit(_time, requestsPerMinute ?? _defaultRpm));
            _byToken[token] = tenant;
            _byTenantId[tenantId] = tenant;
            return tenant;
        }
    }

    public Tenant? ByToken(string token) => _byToken.GetValueOrDefault(token);

    public Tenant? ByTenantId(string tenantId) => _byTenantId.GetValueOrDefault(tenantId);

    public IReadOnlyCollection<Tenant> All => [.. _byToken.Values];
}
