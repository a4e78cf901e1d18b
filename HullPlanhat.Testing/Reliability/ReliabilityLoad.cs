using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;

namespace HullPlanhat.Testing.Reliability;

/// <summary>
/// What Hull sends in one case: keyed and keyless accounts, each with one license, and users (one
/// in five without an external id; each of a keyed account), some with a whitelisted event. Every object carries a name,
/// email or property unique to the load, so the final Planhat state can be checked object by object.
/// </summary>
public sealed record ReliabilityLoad(int KeyedAccounts, int KeylessAccounts, int Users, int UsersWithEvents, string Prefix = "")
{
    public const string AccountSegment = "seg-accounts";
    public const string UserSegment = "seg-users";
    public const string EventName = "Logged in";
    public const string LicensesAttribute = "ph_licenses";
    public const int AccountsPerNotification = 50;
    public const int UsersPerNotification = 100;

    public int Accounts => KeyedAccounts + KeylessAccounts;

    public override string ToString() =>
        $"{Accounts:N0} accounts ({KeylessAccounts} keyless) + {Users:N0} users, {UsersWithEvents:N0} events";

    public ReliabilityLoad For(string prefix) => this with { Prefix = prefix };

    public string AccountName(int i) => $"{Prefix}Account {i}";

    public string LicenseId(int i) => $"{Prefix}LIC-{i}";

    public string Email(int i) => $"{Prefix}user{i}@reliability.example".ToLowerInvariant();

    public string EventKey(int i) => $"{Prefix}event-{i}";

    public JsonObject Account(int i)
    {
        var account = new JsonObject { ["id"] = $"hull-{Prefix}account-{i}", ["name"] = AccountName(i), ["domain"] = $"{Prefix}account-{i}.example" };
        if (i < KeyedAccounts)
        {
            account["external_id"] = $"{Prefix}acc-{i}";
        }

        account[LicensesAttribute] = new JsonArray(new JsonObject { ["id"] = LicenseId(i), ["product"] = "Pro" }).ToJsonString();
        return account;
    }

    public JsonObject User(int i)
    {
        var user = new JsonObject { ["id"] = $"hull-{Prefix}user-{i}", ["email"] = Email(i), ["name"] = $"{Prefix}User {i}" };
        if (i % 5 != 0)
        {
            user["external_id"] = $"{Prefix}user-{i}";
        }

        return user;
    }

    /// <summary>The notifications Hull sends: accounts first, then users (whose events come with them).</summary>
    public IEnumerable<string> Notifications(SandboxConnector connector)
    {
        var segments = new[] { new JsonObject { ["id"] = AccountSegment, ["name"] = "Customers" } };
        foreach (var chunk in Enumerable.Range(0, Accounts).Chunk(AccountsPerNotification))
        {
            yield return NotificationBuilder.AccountUpdate(connector, chunk.Select(i => NotificationBuilder.AccountMessage(Account(i), accountSegments: segments)));
        }

        foreach (var chunk in Enumerable.Range(0, Users).Chunk(UsersPerNotification))
        {
            yield return NotificationBuilder.UserUpdate(connector, chunk.Select(i => NotificationBuilder.UserMessage(
                User(i), Account(i % KeyedAccounts), i < UsersWithEvents ? [Event(i)] : null,
                segments: [new JsonObject { ["id"] = UserSegment, ["name"] = "Users" }], accountSegments: segments)));
        }
    }

    private JsonObject Event(int i) => new()
    {
        ["event"] = EventName,
        ["event_id"] = $"{Prefix}ev-{i}",
        ["properties"] = new JsonObject { ["key"] = EventKey(i) },
        ["context"] = new JsonObject(),
        ["created_at"] = "2026-05-01T10:00:00Z",
        ["event_source"] = "track",
    };
}
