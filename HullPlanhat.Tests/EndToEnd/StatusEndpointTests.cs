using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Tests.Infrastructure;
using static HullPlanhat.Tests.EndToEnd.InternalApiClient;

namespace HullPlanhat.Tests.EndToEnd;

[Collection(ProductCollection.Name)]
public sealed class StatusEndpointTests(ProductFixture product)
{
    private async Task<(HttpStatusCode Code, string Status, string[] Messages)> StatusAsync(TestConnector connector)
    {
        var (response, body) = await SendAsync(product, HttpMethod.Get, "status", connector);
        var json = JsonNode.Parse(body)!;
        return (response.StatusCode, json["status"]!.ToString(), json["messages"]!.AsArray().Select(m => m!.ToString()).ToArray());
    }

    [Fact]
    public async Task Complete_settings_are_ok_checked_with_one_Planhat_call_and_reported_to_Hull()
    {
        var connector = await RegisteredConnectorAsync(product, new JsonObject
        {
            ["contact_attributes_outbound"] = new JsonArray(new JsonObject { ["hull_field_name"] = "email", ["service_field_name"] = "email" },
                new JsonObject { ["hull_field_name"] = "name", ["service_field_name"] = "name" }),
        });

        var (code, status, messages) = await StatusAsync(connector);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("ok", status);
        Assert.Empty(messages);
        Assert.Single(await connector.PlanhatCallsAsync());

        var reported = await product.SandboxAdmin.GetConnectorStatusAsync(connector.Id);
        Assert.NotNull(reported);
        Assert.Equal("ok", reported["status"]!.ToString());
    }

    [Fact]
    public async Task Mapping_problems_give_the_originals_warning_and_error_messages()
    {
        var connector = await RegisteredConnectorAsync(product, new JsonObject
        {
            ["account_attributes_outbound"] = new JsonArray(new JsonObject { ["hull_field_name"] = "domain", ["service_field_name"] = "website" }),
            ["account_licenses_attribute"] = "ph_licenses",
            ["account_licenses_attributes_outbound"] = new JsonArray(),
        });

        var (code, status, messages) = await StatusAsync(connector);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("error", status);
        Assert.Equal(
        [
            "Incomplete License mapping: You have not configured the item mappings ('Licenses attributes mapping') but have defined the account attribute mapping for the JSON array.  No licenses will be synchronized",
            "Invalid mapping: The mapping Hull: 'domain' Planhat: 'website' in section has an invalid value for Planhat in section 'Account attributes mapping'.",
            "Required mapping missing: The field 'Name (*)' is required, please specify a mapping in section 'Account attributes mapping'.",
        ], messages);
        Assert.Equal("error", (await product.SandboxAdmin.GetConnectorStatusAsync(connector.Id))!["status"]!.ToString());
    }

    [Fact]
    public async Task Missing_token_and_tenant_require_setup_without_calling_Planhat()
    {
        var connector = await RegisteredConnectorAsync(product, new JsonObject { ["personal_acccess_token"] = "", ["tenant_id"] = null });

        var (_, status, messages) = await StatusAsync(connector);
        Assert.Equal("setupRequired", status);
        Assert.Equal(["Connector unauthenticated: No Personal Access Token present.", "Connector unauthenticated: No Tenant Token present."], messages);
        Assert.Empty(await connector.PlanhatCallsAsync());
    }

    [Fact]
    public async Task Token_Planhat_rejects_is_an_error_with_a_clear_message()
    {
        var connector = await RegisteredConnectorAsync(product, new JsonObject { ["personal_acccess_token"] = "not-a-planhat-token" });

        var (code, status, messages) = await StatusAsync(connector);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("error", status);
        Assert.Contains("Planhat rejected the Personal Access Token (HTTP 401). Check 'personal_acccess_token' and 'api_prefix'.", messages);
    }

    [Fact]
    public async Task Hull_refusing_the_status_update_is_logged_and_the_status_still_answered()
    {
        var connector = await RegisteredConnectorAsync(product);
        await product.SandboxAdmin.RegisterConnectorAsync(connector.Id, connector.Hull.Organization, "a-different-secret");

        var (code, status, _) = await StatusAsync(connector);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("ok", status);
        var failure = Assert.Single(connector.Logs("connector.status.report_failed"));
        Assert.DoesNotContain(connector.Hull.Secret, failure.Message);
        Assert.Null(await product.SandboxAdmin.GetConnectorStatusAsync(connector.Id));
    }
}
