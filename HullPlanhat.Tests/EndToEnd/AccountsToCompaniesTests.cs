using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

[Collection(ProductCollection.Name)]
public sealed class AccountsToCompaniesTests(ProductFixture product)
{
    private static readonly JsonObject LicenseSettings = new()
    {
        ["account_licenses_attribute"] = "ph_licenses",
        ["account_licenses_attributes_outbound"] = new JsonArray(
            new JsonObject { ["hull_field_name"] = "id", ["service_field_name"] = "externalId" },
            new JsonObject { ["hull_field_name"] = "product", ["service_field_name"] = "product" },
            new JsonObject { ["hull_field_name"] = "mrr", ["service_field_name"] = "mrr" }),
    };

    private static JsonObject Account(string externalId, string name = "Acme", JsonObject? extra = null)
    {
        var account = new JsonObject { ["id"] = "hull-" + externalId, ["external_id"] = externalId, ["name"] = name, ["domain"] = externalId + ".example" };
        foreach (var (key, value) in extra ?? [])
        {
            account[key] = value?.DeepClone();
        }

        return TestConnector.AccountMessage(account);
    }

    [Fact]
    public async Task Signed_account_update_becomes_a_company_with_its_licenses_and_its_id_goes_back_to_Hull()
    {
        var connector = await product.CreateConnectorAsync(LicenseSettings);
        var licenses = """[{"id":"L-1","product":"Pro","mrr":0},{"id":"L-2","product":"Seats","mrr":120}]""";

        using var response = await connector.SendAccountsAsync([Account("acme-1", extra: new() { ["ph_licenses"] = licenses })]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("next", body["flow_control"]!["type"]!.ToString());
        Assert.Equal(20, body["flow_control"]!["size"]!.GetValue<int>());

        await connector.WaitForAccountDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var company = Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies));
        Assert.Equal("Acme", company["name"]!.ToString());
        Assert.Equal("acme-1", company["externalId"]!.ToString());
        var stored = await connector.PlanhatAsync(ObjectKind.Licenses);
        Assert.Equal(["L-1", "L-2"], stored.Select(l => l["externalId"]!.ToString()).Order());
        Assert.All(stored, l => Assert.Equal(company["_id"]!.ToString(), l["companyId"]!.ToString()));
        Assert.Equal(0, stored.Single(l => l["externalId"]!.ToString() == "L-1")["mrr"]!.GetValue<int>());

        var success = Assert.Single(connector.Logs("outgoing.account.success"));
        Assert.Equal("hull-acme-1", success.Context["account_id"]);
        var written = Assert.Single(await product.SandboxAdmin.GetFirehoseAsync(connector.Id));
        Assert.Equal("account", written.SubjectType);
        Assert.Equal(company["_id"]!.ToString(), written.Body["planhat/id"]!.ToString());
        Assert.Equal("planhat:" + company["_id"], written.AsAccount!["anonymous_id"]!.ToString());
        Assert.Equal("acme-1", written.AsAccount!["external_id"]!.ToString());
    }

    [Fact]
    public async Task A_second_identical_notification_makes_zero_Planhat_calls()
    {
        var connector = await product.CreateConnectorAsync(LicenseSettings);
        var account = Account("same-1", extra: new() { ["ph_licenses"] = """[{"id":"L-9","product":"Pro","mrr":5}]""" });
        (await connector.SendAccountsAsync([account])).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var callsAfterFirst = (await connector.PlanhatCallsAsync()).Count;
        Assert.True(callsAfterFirst > 0);

        // Hull now also knows the Planhat id; the mapped payload is unchanged.
        var companyId = (await connector.PlanhatAsync(ObjectKind.Companies)).Single()["_id"]!.ToString();
        var again = Account("same-1", extra: new() { ["ph_licenses"] = """[{"id":"L-9","product":"Pro","mrr":5}]""", ["planhat/id"] = companyId });
        (await connector.SendAccountsAsync([again])).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(2);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        Assert.Equal(callsAfterFirst, (await connector.PlanhatCallsAsync()).Count);
        Assert.Contains(connector.Logs("outgoing.account.skip"), l => l["Reason"] == "All mapped attributes are already in sync between Hull and Planhat.");
    }

    [Fact]
    public async Task A_thousand_accounts_need_at_most_two_bulk_calls()
    {
        var connector = await product.CreateConnectorAsync();
        var accounts = Enumerable.Range(0, 1000).Select(i => Account($"bulk-{i:D4}", $"Company {i}")).ToList();
        foreach (var batch in accounts.Chunk(250))
        {
            (await connector.SendAccountsAsync(batch)).EnsureSuccessStatusCode();
        }

        await connector.WaitForAccountDecisionsAsync(1000);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        Assert.Equal(1000, (await connector.PlanhatAsync(ObjectKind.Companies)).Count);
        var calls = await connector.PlanhatCallsAsync();
        Assert.InRange(calls.Count(c => c.Method == "PUT" && c.Path == "/companies"), 1, 2);
        Assert.Equal(1000, connector.Logs("outgoing.account.success").Count);
    }

    [Fact]
    public async Task An_owner_who_is_not_a_Planhat_user_is_skipped_without_any_write()
    {
        var connector = await product.CreateConnectorAsync(
            new JsonObject
            {
                ["account_attributes_outbound"] = new JsonArray(
                    new JsonObject { ["hull_field_name"] = "name", ["service_field_name"] = "name" },
                    new JsonObject { ["hull_field_name"] = "owner_id", ["service_field_name"] = "owner" }),
            },
            planhatUsers: [new JsonObject { ["_id"] = "5e1111111111111111111111", ["email"] = "csm@example.com", ["firstName"] = "C", ["lastName"] = "S", ["nickName"] = "cs" }]);

        (await connector.SendAccountsAsync([
            Account("owned-ok", extra: new() { ["owner_id"] = "5e1111111111111111111111" }),
            Account("owned-bad", extra: new() { ["owner_id"] = "5e9999999999999999999999" })])).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(2);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var skip = Assert.Single(connector.Logs("outgoing.account.skip"));
        Assert.Equal("Invalid Owner ID.", skip["Reason"]);
        Assert.Equal("owned-bad", skip.Context["account_external_id"]);
        var company = Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies));
        Assert.Equal("owned-ok", company["externalId"]!.ToString());
        var calls = await connector.PlanhatCallsAsync();
        Assert.Single(calls, c => c.Path == "/users");
        Assert.Equal(1, calls.Where(c => c.Path == "/companies").Sum(c => c.ItemCount));
    }

    [Fact]
    public async Task An_account_without_external_id_is_skipped_when_required_and_synced_once_when_not()
    {
        var required = await product.CreateConnectorAsync();
        var optional = await product.CreateConnectorAsync(new JsonObject { ["account_require_externalid"] = false });
        var noExternalId = TestConnector.AccountMessage(new JsonObject { ["id"] = "hull-no-ext", ["name"] = "Nameless Ltd" });

        (await required.SendAccountsAsync([noExternalId])).EnsureSuccessStatusCode();
        (await optional.SendAccountsAsync([noExternalId])).EnsureSuccessStatusCode();
        await required.WaitForAccountDecisionsAsync(1);
        await optional.WaitForAccountDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        Assert.Equal("The account in Hull has no external_id, but it is marked as required.", Assert.Single(required.Logs("outgoing.account.skip"))["Reason"]);
        Assert.Empty(await required.PlanhatCallsAsync());
        var company = Assert.Single(await optional.PlanhatAsync(ObjectKind.Companies));

        // A changed name is an update of the same company, not a second one.
        var renamed = TestConnector.AccountMessage(new JsonObject { ["id"] = "hull-no-ext", ["name"] = "Nameless Group" });
        (await optional.SendAccountsAsync([renamed])).EnsureSuccessStatusCode();
        await optional.WaitForAccountDecisionsAsync(2);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var after = Assert.Single(await optional.PlanhatAsync(ObjectKind.Companies));
        Assert.Equal(company["_id"]!.ToString(), after["_id"]!.ToString());
        Assert.Equal("Nameless Group", after["name"]!.ToString());
    }

    [Fact]
    public async Task With_a_fifth_of_Planhat_calls_failing_every_company_arrives_exactly_once()
    {
        var connector = await product.CreateConnectorAsync(LicenseSettings);
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(0.2, [429, 500], Seed: 11));
        var accounts = Enumerable.Range(0, 60).Select(i => Account($"flaky-{i:D2}", $"Flaky {i}",
            new() { ["ph_licenses"] = $$"""[{"id":"FL-{{i}}","product":"P","mrr":{{i}}}]""" })).ToList();
        foreach (var batch in accounts.Chunk(20))
        {
            (await connector.SendAccountsAsync(batch)).EnsureSuccessStatusCode();
        }

        await connector.WaitForAccountDecisionsAsync(60);
        for (var run = 0; run < 5 && (await connector.PlanhatAsync(ObjectKind.Licenses)).Count < 60; run++)
        {
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        }

        var companies = await connector.PlanhatAsync(ObjectKind.Companies);
        Assert.Equal(60, companies.Count);
        Assert.Equal(60, companies.Select(c => c["externalId"]!.ToString()).Distinct().Count());
        Assert.Equal(60, (await connector.PlanhatAsync(ObjectKind.Licenses)).Count);
        Assert.Contains(await connector.PlanhatCallsAsync(), c => c.Status is 429 or 500);
    }
}
