using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Cli;

/// <summary>An account of the replayed notification: what should become a Planhat company.</summary>
/// <param name="MappedName">The name Planhat should show, when the settings map Hull's <c>name</c> to it: an update is done only once it does.</param>
internal sealed record ExpectedAccount(string? HullId, string? ExternalId, string? Name, string? KnownPlanhatId, string? MappedName = null);

/// <summary>A user of the replayed notification: what should become a Planhat enduser.</summary>
internal sealed record ExpectedUser(string? HullId, string? Email, string? ExternalId, string? KnownPlanhatId);

/// <summary>A whitelisted event of the replayed notification: what should become a Planhat activity.</summary>
internal sealed record ExpectedEvent(ExpectedUser User, string Name);

/// <summary>
/// What a notification should create, read from the notification itself: its accounts (an
/// <c>account:update</c>), its users and their whitelisted events (a <c>user:update</c>).
/// </summary>
internal sealed record ReplayExpectation(
    string ConnectorId,
    string? PlanhatToken,
    IReadOnlyList<ExpectedAccount> Accounts,
    IReadOnlyList<ExpectedUser> Users,
    IReadOnlyList<ExpectedEvent> Events)
{
    public static ReplayExpectation From(JsonObject notification)
    {
        var settings = notification["connector"]?["private_settings"] as JsonObject;
        var whitelist = (settings?["contact_events"] as JsonArray ?? []).Select(e => e?.ToString()).ToHashSet(StringComparer.Ordinal);
        var channel = notification["channel"]?.ToString();
        var nameMapped = (settings?["account_attributes_outbound"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(m => m["hull_field_name"]?.ToString() == "name" && m["service_field_name"]?.ToString() == "name");
        var accounts = new List<ExpectedAccount>();
        var users = new List<ExpectedUser>();
        var events = new List<ExpectedEvent>();
        foreach (var message in (notification["messages"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (channel == "account:update" && message["account"] is JsonObject account)
            {
                accounts.Add(new(Text(account, "id"), Text(account, "external_id"), Text(account, "name"), Text(account, "planhat/id"),
                    nameMapped ? Text(account, "name") : null));
            }

            if (channel == "user:update" && message["user"] is JsonObject userObject)
            {
                var user = new ExpectedUser(Text(userObject, "id"), Text(userObject, "email"), Text(userObject, "external_id"), Text(userObject, "planhat/id"));
                users.Add(user);
                events.AddRange((message["events"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(e => Text(e, "event"))
                    .Where(name => name is not null && whitelist.Contains(name))
                    .Select(name => new ExpectedEvent(user, name!)));
            }
        }

        var connectorId = notification["configuration"]?["id"]?.ToString() ?? notification["connector"]?["id"]?.ToString() ?? "";
        return new(connectorId, Text(settings, "personal_acccess_token"), accounts, users, events);
    }

    private static string? Text(JsonObject? obj, string key) =>
        obj?[key] is JsonValue value && value.ToString() is { Length: > 0 } text ? text : null;
}
