using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

[Collection(ProductCollection.Name)]
public sealed class UsersToEndusersTests(ProductFixture product)
{
    [Fact]
    public async Task A_whitelisted_user_of_a_whitelisted_account_becomes_an_enduser_of_its_company_and_its_id_goes_back_to_Hull()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings());
        var account = TestUsers.Account("acme-u1");
        await connector.StageAccountsAsync(account, TestUsers.Account("other-u1", "Other"));
        var response = await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("ann"), account)]);
        response.EnsureSuccessStatusCode();
        Assert.Equal(200, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["flow_control"]!["size"]!.GetValue<int>());
        await connector.WaitForUserDecisionsAsync(1);

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var company = (await connector.PlanhatAsync(ObjectKind.Companies)).Single(c => c["externalId"]!.ToString() == "acme-u1");
        var enduser = Assert.Single(await connector.PlanhatAsync(ObjectKind.Endusers));
        Assert.Equal(company["_id"]!.ToString(), enduser["companyId"]!.ToString());
        Assert.Equal("ann@example.com", enduser["email"]!.ToString());
        Assert.Equal("user-ann", enduser["externalId"]!.ToString());
        Assert.Equal("User ann", enduser["name"]!.ToString());

        var success = Assert.Single(connector.Logs("outgoing.user.success"));
        Assert.Equal("hull-user-ann", success.Context["user_id"]);
        var firehose = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        var traits = Assert.Single(firehose, f => f.SubjectType == "user");
        Assert.Equal(enduser["_id"]!.ToString(), traits.Body["planhat/id"]!.ToString());
        Assert.Equal("planhat:" + enduser["_id"], traits.AsUser!["anonymous_id"]!.ToString());
        Assert.Equal("hull-user-ann", traits.AsUser!["id"]!.ToString());
        Assert.Contains(firehose, f => f.SubjectType == "account" && f.AsUser?["id"]?.ToString() == "hull-user-ann"
            && f.AsAccount?["external_id"]?.ToString() == "acme-u1");
    }

    [Fact]
    public async Task A_whitelisted_user_whose_account_is_not_whitelisted_is_skipped_with_a_reason()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings());
        var account = TestUsers.Account("acme-u2");
        await connector.StageAccountsAsync(account);
        (await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("bob"), account, accountWhitelisted: false)])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var skip = Assert.Single(connector.Logs("outgoing.user.skip"));
        Assert.Equal("The user's account doesn't belong to any of the segments defined in the Account Filter.", skip["Reason"]);
        Assert.Equal("hull-user-bob", skip.Context["user_id"]);
        Assert.Empty(await connector.PlanhatAsync(ObjectKind.Endusers));
        Assert.DoesNotContain(await connector.PlanhatCallsAsync(), c => c.Path.StartsWith("/endusers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_user_whose_email_has_a_plus_is_found_by_email_and_not_duplicated()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings(new JsonObject
        {
            ["contact_attributes_outbound"] = new JsonArray(TestUsers.Mapping("name", "name"), TestUsers.Mapping("email", "email")),
        }));
        var account = TestUsers.Account("acme-u3");
        var companyId = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
            [new JsonObject { ["name"] = "Acme", ["externalId"] = "acme-u3" }])).Single();
        var existingId = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers,
            [new JsonObject { ["email"] = "jo+planhat@example.com", ["name"] = "Jo", ["companyId"] = companyId }])).Single();
        account["planhat/id"] = companyId;

        var user = TestUsers.User("jo", email: "jo+planhat@example.com", withExternalId: false, extra: new() { ["name"] = "Jo Renamed" });
        (await product.SendUsersAsync(connector, [TestUsers.Message(user, account)])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var enduser = Assert.Single(await connector.PlanhatAsync(ObjectKind.Endusers));
        Assert.Equal(existingId, enduser["_id"]!.ToString());
        Assert.Equal("Jo Renamed", enduser["name"]!.ToString());
        Assert.Contains(await connector.PlanhatCallsAsync(), c => c.Method == "GET" && c.Path == "/endusers" && c.Query.Contains("jo%2Bplanhat%40example.com"));
    }

    [Fact]
    public async Task Replaying_an_unchanged_notification_makes_zero_Planhat_calls()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings(new JsonObject
        {
            ["contact_attributes_outbound"] = new JsonArray(
                TestUsers.Mapping("name", "name"), TestUsers.Mapping("email", "email"), TestUsers.Mapping("external_id", "externalId"),
                TestUsers.Mapping("tags", "tags"), TestUsers.Mapping("signed_up_at", "createDate")),
        }));
        var account = TestUsers.Account("acme-u4");
        await connector.StageAccountsAsync(account);
        var message = TestUsers.Message(TestUsers.User("cy", extra: new() { ["tags"] = new JsonArray("a", "b"), ["signed_up_at"] = "2024-01-01" }), account);
        (await product.SendUsersAsync(connector, [message])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var callsAfterFirst = (await connector.PlanhatCallsAsync()).Count;
        Assert.Single(await connector.PlanhatAsync(ObjectKind.Endusers));

        // Same values: a new tags array, the name in other case, another createDate.
        var replay = TestUsers.Message(TestUsers.User("cy", extra: new()
        {
            ["tags"] = new JsonArray("b", "a"), ["name"] = "USER CY", ["signed_up_at"] = "2024-02-02",
        }), account);
        (await product.SendUsersAsync(connector, [replay])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(2);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        Assert.Equal(callsAfterFirst, (await connector.PlanhatCallsAsync()).Count);
        Assert.Equal("All mapped attributes are already in sync between Hull and Planhat.", connector.Logs("outgoing.user.skip").Last()["Reason"]);
    }

    [Fact]
    public async Task Featured_false_and_zero_reach_Planhat()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings(new JsonObject
        {
            ["contact_attributes_outbound"] = new JsonArray(
                TestUsers.Mapping("email", "email"), TestUsers.Mapping("external_id", "externalId"), TestUsers.Mapping("is_vip", "featured")),
            ["contact_custom_attributes_outbound"] = new JsonArray(TestUsers.Mapping("logins", "Logins"), TestUsers.Mapping("account.seats", "Seats")),
        }));
        var account = TestUsers.Account("acme-u5");
        account["seats"] = 0;
        await connector.StageAccountsAsync(account);
        var user = TestUsers.User("dee", extra: new() { ["is_vip"] = false, ["logins"] = 0 });
        (await product.SendUsersAsync(connector, [TestUsers.Message(user, account)])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var enduser = Assert.Single(await connector.PlanhatAsync(ObjectKind.Endusers));
        Assert.False(enduser["featured"]!.GetValue<bool>());
        Assert.Equal(0, enduser["custom"]!["Logins"]!.GetValue<int>());
        Assert.Equal(0, enduser["custom"]!["Seats"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_user_whose_company_is_not_in_Planhat_yet_waits_for_it_without_failing()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings());
        var account = TestUsers.Account("late-u6");
        (await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("ivy"), account)])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        Assert.Empty(await connector.PlanhatAsync(ObjectKind.Endusers));
        Assert.Empty(connector.Logs("outgoing.user.error"));
        Assert.NotEmpty(connector.Logs("outgoing.user.waiting"));

        await connector.StageAccountsAsync(account);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var company = Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies));
        var enduser = Assert.Single(await connector.PlanhatAsync(ObjectKind.Endusers));
        Assert.Equal(company["_id"]!.ToString(), enduser["companyId"]!.ToString());
        Assert.Empty(connector.Logs("outgoing.user.error"));
    }
}
