using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Json;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>A Hull event staged as a Planhat activity, with its Hull <c>event_id</c> to send it once.</summary>
public sealed record StagedEvent(string EventId, JsonObject Activity)
{
    public string Action => Activity["action"]?.ToString() ?? "";

    public JsonObject ToJson() => new() { ["eventId"] = EventId, ["activity"] = Activity.DeepClone() };

    public static StagedEvent? FromJson(JsonNode? node) =>
        node is JsonObject { } o && HullMessages.String(o, "eventId") is { } id && o["activity"] is JsonObject activity
            ? new StagedEvent(id, (JsonObject)activity.DeepClone())
            : null;
}

/// <summary>
/// The user's events named in <c>contact_events</c> → Planhat activities (§4.8): <c>action</c>,
/// <c>date</c>, <c>info</c> and the enduser's identity as mapped (so <c>account.</c> paths are honoured, §12.10).
/// </summary>
public static class EventMapper
{
    public static IReadOnlyList<StagedEvent> Map(JsonArray? events, JsonObject enduser, JsonObject? account, ConnectorSettings settings)
    {
        if (events is null || settings.ContactEvents.Count == 0)
        {
            return [];
        }

        var staged = new List<StagedEvent>();
        foreach (var hullEvent in events.OfType<JsonObject>())
        {
            if (HullMessages.String(hullEvent, "event") is not { } name || !settings.ContactEvents.Contains(name))
            {
                continue;
            }

            var activity = new JsonObject
            {
                ["action"] = name,
                ["date"] = hullEvent["created_at"]?.DeepClone(),
                ["info"] = hullEvent["properties"] as JsonObject is { } properties ? properties.DeepClone() : new JsonObject(),
            };
            foreach (var key in (string[])["name", "email", "externalId"])
            {
                if (enduser[key] is { } value)
                {
                    activity[key] = value.DeepClone();
                }
            }

            if (HullMessages.String(account, "external_id") is { } companyExternalId)
            {
                activity["companyExternalId"] = companyExternalId;
            }

            var eventId = HullMessages.String(hullEvent, "event_id") ?? CanonicalJson.Hash(hullEvent);
            staged.Add(new StagedEvent(eventId, activity));
        }

        return staged;
    }

    /// <summary>Staged events plus new ones, each event id once (a replayed event is not sent twice).</summary>
    public static IReadOnlyList<StagedEvent> Merge(IEnumerable<StagedEvent> staged, IEnumerable<StagedEvent> incoming) =>
        staged.Concat(incoming).DistinctBy(e => e.EventId, StringComparer.Ordinal).ToList();
}
