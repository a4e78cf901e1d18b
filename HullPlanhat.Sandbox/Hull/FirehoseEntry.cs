using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>
/// One accepted firehose message. <see cref="AsUser"/>/<see cref="AsAccount"/> are the JWT's
/// <c>io.hull.asUser</c>/<c>io.hull.asAccount</c> claims; <see cref="Body"/> is the message body.
/// </summary>
public sealed record FirehoseEntry(
    string ConnectorId,
    string Type,
    string SubjectType,
    JsonObject? AsUser,
    JsonObject? AsAccount,
    JsonObject Body,
    DateTimeOffset ReceivedAt);
