using System.Collections.Concurrent;
using HullPlanhat.Sandbox.Faults;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>Credentials of a Hull connector the firehose accepts.</summary>
public sealed record HullConnectorCredentials(string Id, string Organization, string Secret);

/// <summary>One registered connector: credentials, firehose faults and recorded firehose entries.</summary>
public sealed class RegisteredConnector
{
    private readonly Lock _gate = new();
    private readonly List<FirehoseEntry> _entries = [];
    private HullConnectorCredentials _credentials;

    public RegisteredConnector(HullConnectorCredentials credentials) => _credentials = credentials;

    public HullConnectorCredentials Credentials
    {
        get => Volatile.Read(ref _credentials);
        set => Volatile.Write(ref _credentials, value);
    }

    public FaultInjector Faults { get; } = new();

    /// <summary>The last body PUT to <c>/hull/api/v1/{id}/status</c>, if any.</summary>
    public System.Text.Json.Nodes.JsonObject? LastStatus
    {
        get => Volatile.Read(ref _lastStatus);
        set => Volatile.Write(ref _lastStatus, value);
    }

    private System.Text.Json.Nodes.JsonObject? _lastStatus;
    private int _credentialReads;

    /// <summary>How many authenticated <c>GET /hull/api/v1/{id}</c> calls the connector made.</summary>
    public int CredentialReads => Volatile.Read(ref _credentialReads);

    public void CountCredentialRead() => Interlocked.Increment(ref _credentialReads);

    public void Record(IEnumerable<FirehoseEntry> entries)
    {
        lock (_gate)
        {
            _entries.AddRange(entries);
        }
    }

    public IReadOnlyList<FirehoseEntry> Entries()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}

/// <summary>Connectors registered with the firehose sink (by the admin API or the notification sender).</summary>
public sealed class ConnectorRegistry
{
    private readonly ConcurrentDictionary<string, RegisteredConnector> _connectors = new(StringComparer.Ordinal);

    /// <summary>Registers a connector or updates its organization/secret; recorded entries are kept.</summary>
    public RegisteredConnector Register(HullConnectorCredentials credentials)
    {
        var connector = _connectors.GetOrAdd(credentials.Id, _ => new RegisteredConnector(credentials));
        connector.Credentials = credentials;
        return connector;
    }

    public RegisteredConnector? Find(string id) => _connectors.GetValueOrDefault(id);

    public IReadOnlyCollection<RegisteredConnector> All => [.. _connectors.Values];
}
