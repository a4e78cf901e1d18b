using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;

namespace HullPlanhat.Tests.Infrastructure;

/// <summary>Hull users, accounts and user:update notifications for the user → enduser tests.</summary>
public static class TestUsers
{
    /// <summary>Contact mappings with externalId, name and email (the manifest default has no externalId).</summary>
    public static JsonObject Settings(JsonObject? extra = null)
    {
        var settings = new JsonObject
        {
            ["contact_attributes_outbound"] = new JsonArray(
                Mapping("name", "name"), Mapping("email", "email"), Mapping("external_id", "externalId")),
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value?.DeepClone();
        }

        return settings;
    }

    public static JsonObject Mapping(string hull, string planhat) => new() { ["hull_field_name"] = hull, ["service_field_name"] = planhat };

    public static JsonObject Account(string externalId, string name = "Acme") =>
        new() { ["id"] = "hull-" + externalId, ["external_id"] = externalId, ["name"] = name, ["domain"] = externalId + ".example" };

    public static JsonObject User(string key, string? email = null, bool withExternalId = true, JsonObject? extra = null)
    {
        var user = new JsonObject { ["id"] = "hull-user-" + key, ["email"] = email ?? $"{key}@example.com", ["name"] = "User " + key };
        if (withExternalId)
        {
            user["external_id"] = "user-" + key;
        }

        foreach (var (k, value) in extra ?? [])
        {
            user[k] = value?.DeepClone();
        }

        return user;
    }

    /// <summary>A user:update message; the user is in the whitelisted segment, its account too unless told otherwise.</summary>
    public static JsonObject Message(JsonObject user, JsonObject? account, IEnumerable<JsonObject>? events = null, bool accountWhitelisted = true) =>
        NotificationBuilder.UserMessage(user, account, events,
            segments: [new JsonObject { ["id"] = "seg-users", ["name"] = "Users" }],
            accountSegments: [new JsonObject { ["id"] = accountWhitelisted ? "seg-accounts" : "seg-other", ["name"] = "Accounts" }]);

    public static JsonObject Event(string name, JsonObject properties, string? eventId = null) => new()
    {
        ["event"] = name,
        ["event_id"] = eventId ?? Guid.NewGuid().ToString(),
        ["properties"] = properties,
        ["context"] = new JsonObject(),
        ["created_at"] = "2024-05-01T10:00:00Z",
        ["event_source"] = "track",
    };

    public static Task<HttpResponseMessage> SendUsersAsync(this ProductFixture product, TestConnector connector, IEnumerable<JsonObject> messages) =>
        product.Sender.SendAsync(product.SmartNotifierUrl, NotificationBuilder.UserUpdate(connector.Hull, messages));

    /// <summary>Waits until the user queue worker decided (staged or skipped) <paramref name="count"/> users.</summary>
    public static Task WaitForUserDecisionsAsync(this TestConnector connector, int count, TimeSpan? timeout = null) =>
        ProductFixture.WaitUntilAsync(
            () => Task.FromResult(connector.WorkerDecisions("outgoing.user") >= count),
            $"{count} users were staged or skipped", timeout ?? TimeSpan.FromSeconds(120), connector.DiagnoseAsync);

    /// <summary>Sends accounts and waits until they are staged, so the next flush writes their companies first.</summary>
    public static async Task StageAccountsAsync(this TestConnector connector, params JsonObject[] accounts)
    {
        var expected = connector.AccountDecisions + accounts.Length;
        (await connector.SendAccountsAsync(accounts.Select(TestConnector.AccountMessage))).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(expected);
    }
}
