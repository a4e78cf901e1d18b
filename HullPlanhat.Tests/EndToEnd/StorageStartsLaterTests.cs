using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>A SelfHost started before its storage waits for it, says so on /health, and then serves normally.</summary>
public sealed class StorageStartsLaterTests
{
    [Fact]
    public async Task Host_started_before_storage_stays_up_reports_unhealthy_and_then_syncs_a_notification()
    {
        await using var storage = AzuriteProcess.Reserve();
        await using var host = await ProductHost.StartAsync(new Dictionary<string, string?>
        {
            // The flush timer runs on its own here: it must survive the wait as the queue listeners do.
            ["AzureWebJobs:FlushOutbox:Disabled"] = "false",
            ["Schedules:FlushOutbox"] = "*/1 * * * * *",
        }, storage: storage);

        using (var health = await host.Http.GetAsync("health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("unreachable", await health.Content.ReadAsStringAsync());
        }

        await ProductFixture.WaitUntilAsync(() => Task.FromResult(host.Logs.All.Count(l => l.EventName == "connector.storage.unreachable") >= 2),
            "the host logged two storage retries: " + string.Join("\n", host.Logs.All.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(l => $"{l.Category} {l.EventName} {l.Message}")), TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(host.Logs.All, l => l.Message.Contains("BackgroundService", StringComparison.Ordinal));

        await storage.LaunchAsync();
        await ProductFixture.WaitUntilAsync(async () =>
        {
            using var health = await host.Http.GetAsync("health");
            return health.StatusCode == HttpStatusCode.OK;
        }, "/health turned healthy once storage is up", TimeSpan.FromSeconds(60));

        var token = "pat-" + Guid.NewGuid().ToString("N");
        var tenantId = "tenant-" + Guid.NewGuid().ToString("N");
        await host.SandboxAdmin.CreateTenantAsync(token, tenantId);
        var connector = SandboxConnector.Create(new JsonObject
        {
            ["personal_acccess_token"] = token,
            ["tenant_id"] = tenantId,
            ["account_synchronized_segments"] = new JsonArray("seg-accounts"),
            ["account_attributes_outbound"] = new JsonArray(new JsonObject { ["hull_field_name"] = "name", ["service_field_name"] = "name" }),
        });
        var account = new JsonObject { ["id"] = "hull-late-1", ["external_id"] = "late-1", ["name"] = "Late Storage Inc" };
        using var response = await host.Sender.SendAsync(host.SmartNotifierUrl, NotificationBuilder.AccountUpdate(connector, [TestConnector.AccountMessage(account)]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await ProductFixture.WaitUntilAsync(async () => (await host.SandboxAdmin.GetObjectsAsync(token, ObjectKind.Companies)).Count == 1,
            "the company reached Planhat through the timer-driven flush", TimeSpan.FromSeconds(60));
        var company = Assert.Single(await host.SandboxAdmin.GetObjectsAsync(token, ObjectKind.Companies));
        Assert.Equal("late-1", company["externalId"]!.ToString());
        Assert.Contains(host.Logs.All, l => l.EventName == "connector.storage.ready");
    }
}
