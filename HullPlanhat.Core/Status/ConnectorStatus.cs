using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Status;

/// <summary>The status values Hull shows for a connector, from least to most severe.</summary>
public enum ConnectorStatusLevel { Ok, Warning, Error, SetupRequired }

/// <summary>What <c>/status</c> answers and PUTs to Hull (hull-protocol.md §3.3).</summary>
public sealed record ConnectorStatus(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("messages")] IReadOnlyList<string> Messages)
{
    public static string Name(ConnectorStatusLevel level) => level switch
    {
        ConnectorStatusLevel.Ok => "ok",
        ConnectorStatusLevel.Warning => "warning",
        ConnectorStatusLevel.Error => "error",
        _ => "setupRequired",
    };
}
