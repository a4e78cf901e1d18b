using System.Text.Json.Nodes;
using HullPlanhat.Core.Incoming;

namespace HullPlanhat.Core.TwoWay;

/// <summary>
/// The outgoing side of loop suppression: whether Planhat, as this connector last imported it and
/// then wrote to it, already holds every field a Hull object would write. Then the object's values came from Planhat
/// (a trait we wrote to Hull, coming back in Hull's notification) and writing them would only echo.
/// One table read, and only for an object whose mapped payload differs from what we last wrote.
/// </summary>
public sealed class ImportedState(HashStore hashes)
{
    public const string AlreadyInPlanhat = "Planhat already holds these values: they came from Planhat through this connector's import.";

    /// <param name="item">The Planhat fields the object would write (keys are Planhat field names).</param>
    public async Task<bool> HoldsAsync(string connectorId, IncomingKind kind, string? planhatId, JsonObject item, CancellationToken cancellationToken)
    {
        if (planhatId is null)
        {
            return false;
        }

        var stored = await hashes.ReadFieldsAsync(connectorId, kind, [planhatId], cancellationToken);
        if (!stored.TryGetValue(planhatId, out var row) || row.Imported is not { } imported)
        {
            return false;
        }

        // A write since the import (the import clears it) is what Planhat holds now for the fields it carried:
        // a Hull change reverted to the imported value must be written back over it.
        var planhat = new Dictionary<string, string>(imported, StringComparer.Ordinal);
        foreach (var (field, value) in row.Written?.Fields ?? new Dictionary<string, string>())
        {
            planhat[field] = value;
        }
        var payload = FieldFingerprints.OfWritten(item);
        return payload.Count > 0 && payload.All(field => planhat.TryGetValue(field.Key, out var value) && value == field.Value);
    }
}
