using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.Reliability;

/// <summary>An enduser or a company deleted in Planhat while Hull and our records still hold its id.</summary>
[Collection(ProductCollection.Name)]
public sealed class DeletedInPlanhatTests(ProductFixture product)
{
    [Fact]
    public async Task An_enduser_deleted_in_Planhat_is_written_again_by_external_id_or_email_in_the_same_flush()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings());
        var account = TestUsers.Account("gone-co");
        await connector.StageAccountsAsync(account);
        JsonObject[] users = [TestUsers.User("gone-ext"), TestUsers.User("gone-mail", withExternalId: false)];
        (await product.SendUsersAsync(connector, users.Select(u => TestUsers.Message(u, account)))).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(2);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var first = await connector.PlanhatAsync(ObjectKind.Endusers);
        Assert.Equal(2, first.Count);

        // Someone deletes both in Planhat; Hull still carries their old ids, and the users change.
        foreach (var enduser in first)
        {
            await product.SandboxAdmin.DeleteObjectAsync(connector.PlanhatToken, ObjectKind.Endusers, enduser["_id"]!.ToString());
        }

        var oldIds = first.Select(e => e["_id"]!.ToString()).ToHashSet();
        var changed = users.Select(u =>
        {
            var user = (JsonObject)u.DeepClone();
            user["name"] = "Renamed " + user["email"];
            user["planhat/id"] = first.Single(e => e["email"]!.ToString() == user["email"]!.ToString())["_id"]!.ToString();
            return TestUsers.Message(user, account);
        }).ToList();
        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);
        (await product.SendUsersAsync(connector, changed)).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(4);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var endusers = await connector.PlanhatAsync(ObjectKind.Endusers);
        Assert.Equal(2, endusers.Count);
        Assert.All(endusers, e => Assert.StartsWith("Renamed ", e["name"]!.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(endusers, e => oldIds.Contains(e["_id"]!.ToString()));
        Assert.Equal(2, connector.Logs("outgoing.user.stale_id").Count);
        Assert.Empty(connector.Logs("outgoing.user.error"));
        var written = (await product.SandboxAdmin.GetFirehoseAsync(connector.Id))
            .Where(f => f.SubjectType == "user" && f.Body["planhat/id"] is not null)
            .Select(f => f.Body["planhat/id"]!.ToString()).ToHashSet();
        Assert.Equal(endusers.Select(e => e["_id"]!.ToString()).ToHashSet(), written);
    }

    [Fact]
    public async Task A_company_deleted_in_Planhat_is_written_again_by_external_id_or_source_id_in_the_same_flush()
    {
        var settings = TestUsers.Settings();
        settings["account_require_externalid"] = false;
        var connector = await product.CreateConnectorAsync(settings);
        JsonObject[] accounts = [TestUsers.Account("gone-company"), new JsonObject { ["id"] = "hull-keyless-gone", ["name"] = "Keyless Gone", ["domain"] = "keyless-gone.example" }];
        await connector.StageAccountsAsync(accounts);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var first = await connector.PlanhatAsync(ObjectKind.Companies);
        Assert.Equal(2, first.Count);
        foreach (var company in first)
        {
            await product.SandboxAdmin.DeleteObjectAsync(connector.PlanhatToken, ObjectKind.Companies, company["_id"]!.ToString());
        }

        // Hull still carries the old ids (and so does our sync state), and the accounts change.
        var changed = accounts.Select((a, i) =>
        {
            var account = (JsonObject)a.DeepClone();
            account["name"] = "Renamed " + i;
            account["planhat/id"] = first.Single(c => c["name"]!.ToString() == a["name"]!.ToString())["_id"]!.ToString();
            return account;
        }).ToArray();
        await connector.StageAccountsAsync(changed);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var companies = await connector.PlanhatAsync(ObjectKind.Companies);
        Assert.Equal(["Renamed 0", "Renamed 1"], companies.Select(c => c["name"]!.ToString()).Order());
        Assert.DoesNotContain(companies, c => first.Any(f => f["_id"]!.ToString() == c["_id"]!.ToString()));
        Assert.Equal(2, connector.Logs("outgoing.account.stale_id").Count);
        Assert.Empty(connector.Logs("outgoing.account.error"));
    }
}
