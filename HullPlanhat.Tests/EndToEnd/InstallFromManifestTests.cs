using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>What Hull reads to install the connector, and Hull's stand-in installing it from its manifest URL.</summary>
[Collection(ProductCollection.Name)]
public sealed class InstallFromManifestTests(ProductFixture product)
{
    [Fact]
    public async Task Manifest_and_readme_are_served_for_hull()
    {
        using var manifest = await product.Http.GetAsync("manifest.json");
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Equal("application/json", manifest.Content.Headers.ContentType!.MediaType);
        var body = JsonNode.Parse(await manifest.Content.ReadAsStringAsync())!;
        Assert.Equal("/smart-notifier", body["subscriptions"]![0]!["url"]!.GetValue<string>());

        using var readme = await product.Http.GetAsync(body["readme"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, readme.StatusCode);
        Assert.StartsWith("# Planhat", await readme.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("contacts", "email", "Email")]
    [InlineData("companies", "name", "Name (*)")]
    [InlineData("licenses", "_currency", "Currency (*)")]
    public async Task Schema_lists_the_planhat_fields_with_cors_for_hulls_dashboard(string type, string value, string label)
    {
        using var response = await product.Http.GetAsync($"schema/{type}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(body["ok"]!.GetValue<bool>());
        Assert.Null(body["error"]);
        Assert.Contains(body["options"]!.AsArray(), o => o!["value"]!.GetValue<string>() == value && o["label"]!.GetValue<string>() == label);
    }

    [Fact]
    public async Task Schema_of_an_unknown_type_says_so_as_the_original()
    {
        var body = JsonNode.Parse(await product.Http.GetStringAsync("schema/deals"))!;

        Assert.False(body["ok"]!.GetValue<bool>());
        Assert.Equal("Unrecognized type: \"deals\"", body["error"]!.GetValue<string>());
        Assert.Empty(body["options"]!.AsArray());
    }

    [Fact]
    public async Task Hull_installs_the_connector_from_its_manifest_url_with_a_short_secret_and_drives_a_batch()
    {
        var tenant = await product.SandboxAdmin.CreateTenantAsync();
        var installed = await product.SandboxAdmin.InstallConnectorAsync(new Uri(product.BaseAddress, "manifest.json"),
            new JsonObject { ["personal_acccess_token"] = tenant.Token, ["tenant_id"] = tenant.TenantId }, secretLength: 22);
        var id = installed["id"]!.GetValue<string>();
        Assert.Equal(22, installed["secret"]!.GetValue<string>().Length);
        Assert.Equal("name", installed["private_settings"]!["account_attributes_outbound"]![0]!["service_field_name"]!.GetValue<string>());

        // Hull sends an account segment by hand: no segment filter in a batch, only the external_id rule.
        var answer = await product.SandboxAdmin.SendBatchAsync(id, "account_report",
        [
            new JsonObject { ["id"] = "h1", ["external_id"] = "inst-1", ["name"] = "Initech", ["segment_ids"] = new JsonArray("elsewhere") },
            new JsonObject { ["id"] = "h2", ["external_id"] = "inst-2", ["name"] = "Globex" },
        ]);
        Assert.Equal(200, answer["status"]!.GetValue<int>());
        await ProductFixture.WaitUntilAsync(() => Task.FromResult(product.Logs.For(id, "outgoing.account.staged").Count >= 2), "2 accounts were staged");
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var companies = await product.SandboxAdmin.GetObjectsAsync(tenant.Token, ObjectKind.Companies);
        Assert.Equal(["Globex", "Initech"], companies.Select(c => c["name"]!.GetValue<string>()).Order());

        // planhat/id reached Hull: the firehose tokens, signed with the 22-character secret, verified.
        var written = (await product.SandboxAdmin.GetFirehoseAsync(id)).Where(e => e.SubjectType == "account" && e.Body.ContainsKey("planhat/id")).ToList();
        Assert.Equal(companies.Select(c => c["_id"]!.GetValue<string>()).Order(), written.Select(e => e.Body["planhat/id"]!.GetValue<string>()).Order());
    }
}
