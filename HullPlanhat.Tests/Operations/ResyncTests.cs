using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.Operations;

/// <summary>POST /api/resync: forgotten hashes make the next run send again, without duplicates.</summary>
[Collection(ProductCollection.Name)]
public sealed class ResyncTests(ProductFixture product)
{
    [Fact]
    public async Task Resync_of_accounts_sends_an_unchanged_account_again_to_the_same_company()
    {
        var connector = await product.KnownConnectorAsync();
        await product.SyncAccountsAsync(connector, TestUsers.Account("re-1"), TestUsers.Account("re-2"));
        await product.SyncAccountsAsync(connector, TestUsers.Account("re-1"));
        Assert.Single(connector.Logs("outgoing.account.skip"), l => l["Reason"] == SkipReasons.AlreadyInSync);

        var one = await product.CallAsync(connector, HttpMethod.Post, "api/resync?kind=accounts&id=hull-re-1");
        Assert.Equal(1, one["forgotten"]!["accounts"]!.GetValue<int>());
        var all = await product.CallAsync(connector, HttpMethod.Post, "api/resync?kind=accounts");
        Assert.Equal(1, all["forgotten"]!["accounts"]!.GetValue<int>()); // re-1 was forgotten already

        var staged = connector.Logs("outgoing.account.staged").Count;
        await product.SyncAccountsAsync(connector, TestUsers.Account("re-1"), TestUsers.Account("re-2"));
        Assert.Equal(staged + 2, connector.Logs("outgoing.account.staged").Count);
        Assert.Equal(2, (await connector.PlanhatAsync(ObjectKind.Companies)).Count);

        await product.CallAsync(connector, HttpMethod.Post, "api/resync?kind=contacts", expected: System.Net.HttpStatusCode.BadRequest);
        await product.CallAsync(connector, HttpMethod.Post, "api/resync?id=x", expected: System.Net.HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Resync_of_companies_makes_the_next_import_send_every_company_again()
    {
        var connector = await product.KnownConnectorAsync(new JsonObject { ["fetch_interval_accounts"] = "0" });
        await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
            Enumerable.Range(0, 2).Select(i => new JsonObject { ["name"] = "Re " + i, ["externalId"] = "re-co-" + i }));
        await ImportAsync(connector, expectedAccounts: 2);
        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        Assert.Empty(await product.SandboxAdmin.GetFirehoseAsync(connector.Id));

        var forgotten = await product.CallAsync(connector, HttpMethod.Post, "api/resync");
        Assert.Equal(2, forgotten["forgotten"]!["companies"]!.GetValue<int>());
        Assert.Equal(0, forgotten["forgotten"]!["endusers"]!.GetValue<int>());
        await ImportAsync(connector, expectedAccounts: 2);
    }

    private async Task ImportAsync(TestConnector connector, int expectedAccounts)
    {
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        await ProductFixture.WaitUntilAsync(async () => (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Count(e => e.SubjectType == "account") == expectedAccounts,
            $"{expectedAccounts} companies reached Hull");
    }
}
