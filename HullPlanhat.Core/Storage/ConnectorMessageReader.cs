using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace HullPlanhat.Core.Storage;

/// <summary>A queue message that belongs to one connector.</summary>
public interface IConnectorMessage
{
    string ConnectorId { get; }
}

/// <summary>
/// The envelope of every queue function: resolve a claim check, deserialize, find the connector,
/// run the handler, and only then drop the claim-check blob. Throwing means "retry the message".
/// </summary>
public sealed class ConnectorMessageReader(ClaimCheckReader claimChecks, ConnectorRegistry connectors)
{
    public async Task HandleAsync<T>(string messageText, JsonTypeInfo<T> type, Func<T, ConnectorRecord, Task> handle, CancellationToken cancellationToken)
        where T : class, IConnectorMessage
    {
        var message = JsonSerializer.Deserialize(await claimChecks.ReadAsync(messageText, cancellationToken), type)
            ?? throw new InvalidDataException($"Empty {typeof(T).Name}.");
        var connector = await connectors.FindAsync(message.ConnectorId, cancellationToken)
            ?? throw new InvalidOperationException($"Connector {message.ConnectorId} is not registered.");
        await handle(message, connector);
        await claimChecks.ReleaseAsync(messageText, cancellationToken);
    }
}
