using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>
/// Builds Hull notification bodies shaped like the hull-planhat fixtures (<c>account-update-message.json</c>,
/// <c>user-update-message.json</c>).
/// </summary>
public static class NotificationBuilder
{
    /// <summary>An <c>account:update</c> notification with one message per account object.</summary>
    public static string AccountUpdate(SandboxConnector connector, IEnumerable<JsonObject> accounts, string? notificationId = null) =>
        Notification(connector, "account:update", accounts.Select(a => a.ContainsKey("account") ? Complete(a, user: false) : AccountMessage(a)), notificationId)
            .ToJsonString();

    /// <summary>
    /// A <c>user:update</c> notification. Objects with a <c>user</c> key are taken as messages (missing parts are
    /// filled in); any other object is taken as a user report and wrapped with <see cref="UserMessage"/>.
    /// </summary>
    public static string UserUpdate(SandboxConnector connector, IEnumerable<JsonObject> messages, string? notificationId = null) =>
        Notification(connector, "user:update", messages.Select(m => m.ContainsKey("user") ? Complete(m, user: true) : UserMessage(m)), notificationId)
            .ToJsonString();

    /// <summary>The full notification as a <see cref="JsonObject"/> (to tweak before sending).</summary>
    public static JsonObject Notification(
        SandboxConnector connector,
        string channel,
        IEnumerable<JsonObject> messages,
        string? notificationId = null,
        bool isExport = false) => new()
        {
            ["notification_id"] = notificationId ?? Guid.NewGuid().ToString(),
            ["configuration"] = new JsonObject
            {
                ["id"] = connector.Id,
                ["organization"] = connector.Organization,
                ["secret"] = connector.Secret,
            },
            ["connector"] = ConnectorObject(connector),
            ["channel"] = channel,
            ["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)m.DeepClone())]),
            ["segments"] = new JsonArray(),
            ["accounts_segments"] = new JsonArray(),
            ["is_export"] = isExport,
            ["kraken"] = new JsonObject
            {
                ["retries"] = 0,
                ["checkpoints"] = new JsonObject(),
                ["flow-control"] = new JsonObject
                {
                    ["type"] = "next",
                    ["max-messages"] = 100,
                    ["min-delay"] = 0,
                    ["max-delay"] = 1000,
                    ["warning"] = null,
                },
                ["estimated-optimal-shipment-size"] = 10,
                ["update-ids"] = new JsonArray(),
            },
        };

    /// <summary>An <c>account:update</c> message for an account report.</summary>
    public static JsonObject AccountMessage(JsonObject account, JsonObject? changes = null, IEnumerable<JsonObject>? accountSegments = null) => new()
    {
        ["account"] = account.DeepClone(),
        ["account_segments"] = Array(accountSegments),
        ["changes"] = changes?.DeepClone() ?? EmptyChanges(user: false),
        ["update_id"] = "sandbox.hullapp.io:accounts:0",
        ["message_id"] = MessageId(),
    };

    /// <summary>A <c>user:update</c> message for a user report (and optionally its account, events, changes, segments).</summary>
    public static JsonObject UserMessage(
        JsonObject user,
        JsonObject? account = null,
        IEnumerable<JsonObject>? events = null,
        JsonObject? changes = null,
        IEnumerable<JsonObject>? segments = null,
        IEnumerable<JsonObject>? accountSegments = null) => new()
        {
            ["user"] = user.DeepClone(),
            ["account"] = account?.DeepClone() ?? new JsonObject(),
            ["segments"] = Array(segments),
            ["account_segments"] = Array(accountSegments),
            ["events"] = Array(events),
            ["changes"] = changes?.DeepClone() ?? EmptyChanges(user: true),
            ["update_id"] = "sandbox.hullapp.io:std:0",
            ["message_id"] = MessageId(),
        };

    private static JsonObject Complete(JsonObject message, bool user)
    {
        var copy = (JsonObject)message.DeepClone();
        var defaults = user ? UserMessage(new JsonObject()) : AccountMessage(new JsonObject());
        foreach (var (key, value) in defaults)
        {
            if (!copy.ContainsKey(key))
            {
                copy[key] = value?.DeepClone();
            }
        }

        return copy;
    }

    private static JsonObject ConnectorObject(SandboxConnector connector) => new()
    {
        ["id"] = connector.Id,
        ["name"] = connector.Name,
        ["type"] = "ship",
        ["secret"] = connector.Secret,
        ["source_url"] = "http://127.0.0.1/",
        ["index"] = "http://127.0.0.1/",
        ["manifest_url"] = "http://127.0.0.1/manifest.json",
        ["homepage_url"] = $"https://{connector.Organization}/ships/{connector.Id}",
        ["manifest"] = new JsonObject(),
        ["private_settings"] = connector.PrivateSettings.DeepClone(),
        ["settings"] = new JsonObject(),
        ["tags"] = new JsonArray(),
        ["extra"] = new JsonObject(),
        ["status"] = new JsonObject { ["id"] = connector.Id, ["name"] = connector.Name },
        ["picture"] = null,
        ["created_at"] = "2019-07-10T00:54:53Z",
        ["updated_at"] = "2019-07-10T00:54:54Z",
    };

    private static JsonObject EmptyChanges(bool user) => user
        ? new JsonObject
        {
            ["is_new"] = false,
            ["user"] = new JsonObject(),
            ["account"] = new JsonObject(),
            ["segments"] = new JsonObject(),
            ["account_segments"] = new JsonObject(),
        }
        : new JsonObject
        {
            ["is_new"] = false,
            ["account"] = new JsonObject(),
            ["account_segments"] = new JsonObject(),
        };

    private static JsonArray Array(IEnumerable<JsonObject>? items) =>
        items is null ? [] : new JsonArray([.. items.Select(i => (JsonNode)i.DeepClone())]);

    private static string MessageId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
}
