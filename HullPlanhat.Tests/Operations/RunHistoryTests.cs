using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.Operations;

/// <summary>GET /api/runs and /api/runs/{id}/errors: every flush and import that did something, with its figures.</summary>
[Collection(ProductCollection.Name)]
public sealed class RunHistoryTests(ProductFixture product)
{
    private async Task<JsonArray> RunsAsync(TestConnector connector, string query = "") =>
        (await product.CallAsync(connector, HttpMethod.Get, "api/runs" + query))["runs"]!.AsArray();

    [Fact]
    public async Task Flushes_and_imports_are_recorded_with_their_figures_and_row_errors_newest_first()
    {
        var connector = await product.KnownConnectorAsync(new JsonObject { ["fetch_interval_accounts"] = "0" });
        await product.SyncAccountsAsync(connector, TestUsers.Account("run-1"), TestUsers.Account("run-2"));
        var planhatCalls = (await connector.PlanhatCallsAsync()).Count;

        var flush = Assert.Single(await RunsAsync(connector))!;
        Assert.Equal(TriggerTable.FlushOutbox, flush["function"]!.ToString());
        Assert.Equal("success", flush["outcome"]!.ToString());
        Assert.Equal(2, flush["created"]!.GetValue<long>());
        Assert.Equal(2, flush["sent"]!.GetValue<long>());
        Assert.Equal(planhatCalls, flush["planhatCalls"]!.GetValue<long>());
        Assert.True(flush["firehoseCalls"]!.GetValue<long>() >= 1);
        Assert.True(DateTimeOffset.Parse(flush["endedAt"]!.ToString()) >= DateTimeOffset.Parse(flush["startedAt"]!.ToString()));

        // Nothing to do: not recorded.
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Single(await RunsAsync(connector));

        // Planhat refuses a row: counted, and the row's error kept with its attempt.
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(1, [400]));
        await connector.StageAccountsAsync(TestUsers.Account("run-3"));
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, FaultConfig.None);
        var failed = (await RunsAsync(connector))[0]!;
        Assert.Equal("partial", failed["outcome"]!.ToString());
        Assert.Equal(1, failed["failed"]!.GetValue<long>());
        Assert.Equal(1, failed["errorRows"]!.GetValue<int>());
        var errors = await product.CallAsync(connector, HttpMethod.Get, $"api/runs/{failed["id"]}/errors");
        var error = Assert.Single(errors["errors"]!.AsArray())!;
        Assert.Equal("hull-run-3", error["objectId"]!.ToString());
        Assert.Equal("company", error["objectType"]!.ToString());
        Assert.Equal(1, error["attempt"]!.GetValue<int>());
        Assert.Contains("400", error["message"]!.ToString());

        // An import run: what it sent to Hull (companies made in Planhat; our own writes are not sent back).
        await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
            [new JsonObject { ["name"] = "Made in Planhat 1" }, new JsonObject { ["name"] = "Made in Planhat 2" }]);
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        await ProductFixture.WaitUntilAsync(async () => (await RunsAsync(connector)).Count == 3, "the import was recorded");
        var import = (await RunsAsync(connector))[0]!;
        Assert.Equal(TriggerTable.FetchCompanies, import["function"]!.ToString());
        Assert.Equal(2, import["sent"]!.GetValue<long>());
        Assert.True(import["planhatCalls"]!.GetValue<long>() >= 1);
        Assert.True(import["firehoseCalls"]!.GetValue<long>() >= 1);

        // Paged, newest first.
        var page = await product.CallAsync(connector, HttpMethod.Get, "api/runs?limit=2");
        Assert.Equal([import["id"]!.ToString(), failed["id"]!.ToString()], page["runs"]!.AsArray().Select(r => r!["id"]!.ToString()));
        var rest = await product.CallAsync(connector, HttpMethod.Get, "api/runs?limit=2&next=" + Uri.EscapeDataString(page["next"]!.ToString()));
        Assert.Equal(flush["id"]!.ToString(), Assert.Single(rest["runs"]!.AsArray())!["id"]!.ToString());

        await product.CallAsync(connector, HttpMethod.Get, "api/runs/0000000000000000000-nothing/errors", expected: System.Net.HttpStatusCode.NotFound);
        var other = await product.KnownConnectorAsync();
        Assert.Empty(await RunsAsync(other));
    }
}
