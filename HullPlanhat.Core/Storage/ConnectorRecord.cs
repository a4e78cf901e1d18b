using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;

namespace HullPlanhat.Core.Storage;

/// <summary>A connector as last seen in a notification: credentials plus parsed settings.</summary>
public sealed record ConnectorRecord(
    string Id,
    string Organization,
    string Secret,
    string? Name,
    JsonObject PrivateSettings,
    DateTimeOffset UpdatedAt)
{
    public ConnectorSettings Settings { get; } = ConnectorSettingsParser.Parse(PrivateSettings);

    /// <summary>Hash of the id, organization and secret Hull last confirmed (<see cref="Hull.ConnectorCredentialVerifier"/>).</summary>
    public string? VerifiedCredentialsHash { get; init; }
}
