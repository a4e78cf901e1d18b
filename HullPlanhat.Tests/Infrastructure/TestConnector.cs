using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Tests.Infrastructure;

/// <summary>One test's Hull connector and its private Planhat tenant in the Sandbox.</summary>
public sealed class TestConnector(ProductFixture product, SandboxConnector connector, string planhatToken)
{
    public SandboxConnector Hull => connector;
    public string Id => connector.Id;
    public string PlanhatToken => planhatToken;

    public Task<HttpResponseMessage> SendAccountsAsync(IEnumerable<JsonObject> accounts) =>
        product.Sender.SendAsync(product.SmartNotifierUrl, NotificationBuilder.AccountUpdate(connector, accounts));

    /// <summary>Accounts in the whitelisted segment, as Hull would send them.</summary>
    public static JsonObject AccountMessage(JsonObject account) =>
        NotificationBuilder.AccountMessage(account, accountSegments: [new JsonObject { ["id"] = "seg-accounts", ["name"] = "Customers" }]);

    /// <summary>Waits until the account queue worker decided (staged or skipped) <paramref name="count"/> accounts.</summary>
    public Task WaitForAccountDecisionsAsync(int count) =>
        ProductFixture.WaitUntilAsync(
            () => Task.FromResult(AccountDecisions >= count), $"{count} accounts were staged or skipped", TimeSpan.FromSeconds(120), DiagnoseAsync);

    /// <summary>This connector's last log lines and the product's state, for a wait that timed out.</summary>
    public Task<string> DiagnoseAsync() => product.DiagnoseAsync(Id);

    public int AccountDecisions => WorkerDecisions("outgoing.account");

    /// <summary>
    /// The queue worker's decisions (<c>.staged</c>, or <c>.skip</c> for a filter or validation reason),
    /// not counting the flush's skips of objects Planhat already has.
    /// </summary>
    public int WorkerDecisions(string log) =>
        product.Logs.For(Id, $"{log}.staged").Count + product.Logs.For(Id, $"{log}.skip").Count(l => !l.Category.EndsWith("Flusher", StringComparison.Ordinal));

    public IReadOnlyList<CapturedLog> Logs(string eventName) => product.Logs.For(Id, eventName);

    /// <summary>The credentials Hull puts in the query of its own calls (schedules, batch, fetch).</summary>
    public string HullQuery(string? secret = null) =>
        $"organization={Uri.EscapeDataString(connector.Organization)}&ship={connector.Id}&secret={Uri.EscapeDataString(secret ?? connector.Secret)}";

    public Task<IReadOnlyList<SandboxCall>> PlanhatCallsAsync() => product.SandboxAdmin.GetCallsAsync(planhatToken);

    public Task<IReadOnlyList<JsonObject>> PlanhatAsync(ObjectKind kind) => product.SandboxAdmin.GetObjectsAsync(planhatToken, kind);
}
