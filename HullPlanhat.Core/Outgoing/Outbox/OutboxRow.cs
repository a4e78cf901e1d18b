using System.Text.Json.Nodes;
using Azure;

namespace HullPlanhat.Core.Outgoing.Outbox;

public static class OutboxObjectTypes
{
    public const string Company = "company";
    public const string Enduser = "enduser";

    /// <summary>A user's events whose enduser Planhat has accepted, waiting for the analytics post (one row per user).</summary>
    public const string Event = "event";
}

/// <summary>
/// One object staged for Planhat. A newer change to the same object replaces the row; the
/// flusher removes it (only if unchanged since read) once Planhat accepted it.
/// </summary>
public sealed record OutboxRow
{
    public required string ConnectorId { get; init; }
    public required string ObjectType { get; init; }
    public required string HullId { get; init; }

    /// <summary>The Planhat object without its Planhat id (that is resolved at flush time).</summary>
    public required JsonObject Payload { get; init; }

    /// <summary>What travels with the object: a company's licenses, a user's events.</summary>
    public JsonArray? Attachments { get; init; }

    /// <summary>Hash of payload + attachments: what counts as "unchanged".</summary>
    public required string Hash { get; init; }

    /// <summary>The Planhat id Hull already knows (<c>planhat/id</c>), if any.</summary>
    public string? PlanhatId { get; init; }

    /// <summary>Hull identity claims for the write-back (<c>id</c>, <c>external_id</c>, <c>email</c>/<c>domain</c>).</summary>
    public required JsonObject HullClaims { get; init; }

    /// <summary>Extra identity needed at flush time (e.g. a user's account claims); free-form.</summary>
    public JsonObject? Context { get; init; }

    /// <summary>When Hull last changed the object (<see cref="ChangeVersion"/>); an older change never replaces this row.</summary>
    public long Version { get; init; }

    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset StagedAt { get; init; }
    public DateTimeOffset NotBefore { get; init; }
    public ETag ETag { get; init; }
}
