using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Faults;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>One simulated Planhat tenant: its objects, activities, call log, rate limit and faults.</summary>
public sealed class Tenant
{
    private readonly Dictionary<ObjectKind, ObjectCollection> _collections;

    public Tenant(string token, string tenantId, RateLimit rateLimit)
    {
        Token = token;
        TenantId = tenantId;
        RateLimit = rateLimit;
        _collections = Enum.GetValues<ObjectKind>().ToDictionary(k => k, k => new ObjectCollection(k));
    }

    public string Token { get; }

    public string TenantId { get; }

    /// <summary>Guards the collections and <see cref="Activities"/>.</summary>
    public Lock Sync { get; } = new();

    public RateLimit RateLimit { get; }

    public FaultInjector Faults { get; } = new();

    public CallLog Calls { get; } = new();

    /// <summary>Where the tenant's Automation posts company and enduser changes (<see cref="WebhookSender"/>); null: none.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Recorded analytics activities (guarded by <see cref="Sync"/>).</summary>
    public List<JsonObject> Activities { get; } = [];

    public ObjectCollection this[ObjectKind kind] => _collections[kind];
}
