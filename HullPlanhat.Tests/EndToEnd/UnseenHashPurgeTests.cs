using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Storage;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>
/// FetchCompanies over the Sandbox: the hashes of companies deleted in Planhat are purged after two complete
/// runs, while a failed run and the run that resumes it purge and mark nothing.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class UnseenHashPurgeTests(ProductFixture product)
{
    [Fact]
    public async Task Hashes_of_deleted_companies_go_after_two_complete_runs_and_a_partial_run_purges_nothing()
    {
        var connector = await product.CreateConnectorAsync(new JsonObject { ["fetch_interval_accounts"] = "0" });
        (await connector.SendAccountsAsync([])).EnsureSuccessStatusCode();
        var ids = await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies, Enumerable.Range(0, 30).Select(i => new JsonObject
        {
            ["name"] = $"Company {i}", ["externalId"] = $"co-{i}",
        }));
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        Assert.Equal(30, (await RowsAsync(connector.Id)).Count);

        string[] deleted = [ids[3], ids[17]];
        foreach (var id in deleted)
        {
            await product.SandboxAdmin.DeleteObjectAsync(connector.PlanhatToken, ObjectKind.Companies, id);
        }

        // A run Hull refuses fails part way: it must not take the missing companies for deleted ones.
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, ids[0], new JsonObject { ["phase"] = "churned" });
        await product.SandboxAdmin.SetFirehoseFaultsAsync(connector.Id, new FaultConfig(FailureRate: 1, Statuses: [503]));
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        Assert.Single(connector.Logs("incoming.job.error"));
        await product.SandboxAdmin.SetFirehoseFaultsAsync(connector.Id, FaultConfig.None);
        await product.RunFunctionAsync(TriggerTable.FetchCompanies); // resumes the failed job: saw only part of Planhat
        Assert.Single(connector.Logs("incoming.job.resume"));
        Assert.Empty(connector.Logs("incoming.hashes.purge").Skip(1));
        Assert.All((await RowsAsync(connector.Id)).Values, missedBy => Assert.Null(missedBy));

        await product.RunFunctionAsync(TriggerTable.FetchCompanies); // complete: marks the two
        var rows = await RowsAsync(connector.Id);
        Assert.Equal(30, rows.Count);
        Assert.Equal(deleted.Order(), rows.Where(r => r.Value is not null).Select(r => r.Key).Order());

        await product.RunFunctionAsync(TriggerTable.FetchCompanies); // complete again: deletes them
        rows = await RowsAsync(connector.Id);
        Assert.Equal(ids.Except(deleted).Order(), rows.Keys.Order());
        var purges = connector.Logs("incoming.hashes.purge");
        Assert.Equal(["0 0", "0 2", "2 0"], purges.Select(p => $"{p["Deleted"]} {p["Marked"]}"));
        Assert.Equal("28", purges[^1]["Seen"]);
    }

    /// <summary>The connector's company rows: Planhat id → the run that last missed it (null when none).</summary>
    private async Task<Dictionary<string, string?>> RowsAsync(string connectorId)
    {
        var table = product.Services.GetRequiredService<StorageClients>().Table(StorageNames.HashesTable);
        var rows = new Dictionary<string, string?>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {HashStore.Partition(connectorId, IncomingKind.Companies)}")))
        {
            rows[row.RowKey] = row.GetString(UnseenHashPurge.MissedByColumn);
        }

        return rows;
    }
}
