using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

[Collection(ProductCollection.Name)]
public sealed class ConnectorSecretsAtRestTests(ProductFixture product)
{
    private TableClient RawConnectors => product.Services.GetRequiredService<StorageClients>().Table(StorageNames.ConnectorsTable);

    [Fact]
    public async Task The_raw_connectors_table_holds_neither_the_connector_secret_nor_the_Planhat_token()
    {
        var connector = await product.CreateConnectorAsync();
        using var response = await connector.SendAccountsAsync([TestConnector.AccountMessage(new JsonObject { ["id"] = "hull-s1", ["external_id"] = "s1", ["name"] = "S1" })]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var rows = await RawConnectors.QueryAsync<TableEntity>().ToListAsync();
        var row = Assert.Single(rows, r => r.GetString("ConnectorId") == connector.Id);
        var raw = string.Join("\n", ((IDictionary<string, object>)row).Values.Select(v => v?.ToString()));
        Assert.DoesNotContain(connector.Hull.Secret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(connector.PlanhatToken, raw, StringComparison.Ordinal);
        Assert.True(connector.PlanhatToken.Length > 20 && connector.Hull.Secret.Length > 20); // real needles, not empty strings
        Assert.Contains("account_synchronized_segments", raw, StringComparison.Ordinal); // settings stay readable

        // The product itself reads them back.
        var registry = product.Services.GetRequiredService<ConnectorRegistry>();
        var record = await registry.FindAsync(connector.Id, CancellationToken.None);
        Assert.Equal(connector.Hull.Secret, record!.Secret);
        Assert.Equal(connector.PlanhatToken, record.Settings.PersonalAccessToken);
    }

    [Fact]
    public async Task A_row_stored_in_plain_text_before_is_read_and_then_encrypted_in_place()
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        const string secret = "plain-secret-0123456789abcdef0123";
        const string token = "plain-planhat-token-9876543210";
        await RawConnectors.UpsertEntityAsync(new TableEntity("connector", TableKeys.Encode(id))
        {
            ["ConnectorId"] = id,
            ["Organization"] = "legacy.hullapp.io",
            ["Secret"] = secret,
            ["Name"] = "Legacy",
            ["PrivateSettings"] = new JsonObject { ["personal_acccess_token"] = token, ["tenant_id"] = "t" }.ToJsonString(),
            ["SettingsUpdatedAt"] = DateTimeOffset.UtcNow,
        });

        var record = await product.Services.GetRequiredService<ConnectorRegistry>().FindAsync(id, CancellationToken.None);
        Assert.Equal(secret, record!.Secret);
        Assert.Equal(token, record.Settings.PersonalAccessToken);

        var row = (await RawConnectors.GetEntityAsync<TableEntity>("connector", TableKeys.Encode(id))).Value;
        Assert.True(ConnectorSecretProtector.IsProtected(row.GetString("Secret")));
        Assert.DoesNotContain(token, row.GetString("PrivateSettings"), StringComparison.Ordinal);
        Assert.Contains("\"tenant_id\":\"t\"", row.GetString("PrivateSettings"), StringComparison.Ordinal);
    }
}
