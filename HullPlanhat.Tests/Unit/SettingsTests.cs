using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;

namespace HullPlanhat.Tests.Unit;

public sealed class SettingsTests
{
    private static readonly string FixturesDirectory = Path.Combine(RepoPaths.Root, "HullPlanhat.Tests", "Fixtures", "hull-planhat-0.1.7");

    [Fact]
    public void Defaults_are_the_original_connectors()
    {
        var settings = ConnectorSettingsParser.Parse(new JsonObject());
        Assert.True(settings.AccountRequireExternalId);
        Assert.Equal("api", settings.ApiPrefix);
        Assert.Equal(180, settings.FetchIntervalAccounts);
        Assert.Equal([new FieldMapping("name", "name")], settings.AccountAttributesOutbound);
        Assert.False(settings.HasAccessToken);
    }

    [Fact]
    public void Nulls_string_numbers_and_one_bad_value_do_not_lose_the_rest()
    {
        var settings = ConnectorSettingsParser.Parse(JsonNode.Parse("""
            {"personal_acccess_token":"pat","fetch_interval_users":"0","fetch_interval_accounts":"","account_synchronized_segments":null,
             "account_require_externalid":"yes please","tenant_id":"t"}
            """)!.AsObject());
        Assert.Equal("pat", settings.PersonalAccessToken);
        Assert.Equal(0, settings.FetchIntervalUsers);
        Assert.Equal(180, settings.FetchIntervalAccounts);
        Assert.Empty(settings.AccountSynchronizedSegments);
        Assert.True(settings.AccountRequireExternalId);
        Assert.Equal("t", settings.TenantId);
    }

    [Theory]
    [InlineData("account-update-message.json")]
    [InlineData("user-update-message.json")]
    public void Real_notifications_parse(string file)
    {
        var notification = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(FixturesDirectory, file)), HullPlanhat.Core.CoreJsonContext.Default.HullNotification)!;
        Assert.Equal("70e40ec7f5944a0fa57ee9dae41fc8d6", notification.Configuration!.Id);
        Assert.Single(notification.Messages!);
        var settings = ConnectorSettingsParser.Parse(notification.Connector!.PrivateSettings);
        Assert.False(settings.AccountRequireExternalId);
    }
}
