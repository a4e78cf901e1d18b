using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Operations.Resync;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>
/// FetchCompanies over the Sandbox: a page the previous complete job left unchanged is not compared row
/// by row; a changed page, a resync and an import outside a job (a webhook's) each bring the row-by-row
/// comparison back. A hash row changed behind the product's back shows which path a run took: the
/// digest path does not read it, the row-by-row path sends that company again.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class PageDigestTests(ProductFixture product)
{
    [Fact]
    public async Task An_unchanged_page_is_not_read_row_by_row_and_a_changed_one_is()
    {
        var (connector, ids) = await ImportedAsync();
        await TamperAsync(connector.Id, ids[4]);

        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        Assert.Equal("0", connector.Logs("incoming.job.success")[^1]["Sent"]?.ToString());

        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, ids[9], new JsonObject { ["phase"] = "churned" });
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        Assert.Equal("2", connector.Logs("incoming.job.success")[^1]["Sent"]?.ToString()); // the changed one, and the tampered one the comparison found
    }

    [Fact]
    public async Task A_resync_makes_the_next_run_compare_row_by_row()
    {
        var (connector, ids) = await ImportedAsync();
        await TamperAsync(connector.Id, ids[4]);

        await product.Services.GetRequiredService<HashForgetter>().ForgetAsync(connector.Id, ResyncKind.Companies, ids[7], CancellationToken.None);
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);

        Assert.Equal("2", connector.Logs("incoming.job.success")[^1]["Sent"]?.ToString());
    }

    [Fact]
    public async Task An_import_outside_a_job_makes_the_next_run_compare_row_by_row()
    {
        var (connector, ids) = await ImportedAsync();
        await TamperAsync(connector.Id, ids[4]);

        // As a webhook does: Planhat's record, as a page of one, outside any job.
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, ids[2], new JsonObject { ["name"] = "Company 2, renamed" });
        var stored = (await product.Services.GetRequiredService<ConnectorRegistry>().FindAsync(connector.Id, CancellationToken.None))!;
        var connection = PlanhatConnection.For(stored, product.Services.GetRequiredService<IOptions<PlanhatOptions>>().Value)!;
        var response = await product.Services.GetRequiredService<PlanhatClient>().SendRawAsync(connection, HttpMethod.Get, $"companies/{ids[2]}", null, CancellationToken.None);
        var record = (JsonObject)JsonNode.Parse(response.Body)!;
        var outcome = await product.Services.GetRequiredService<PageImporter>().ImportAsync(stored, IncomingKind.Companies, [record], null, CancellationToken.None);
        Assert.Equal(1, outcome.Sent);
        // Renamed back, and that webhook is lost: the page is again exactly as the last job's digest says, yet Hull has the other name.
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, ids[2], new JsonObject { ["name"] = "Company 2" });
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);

        Assert.Equal("2", connector.Logs("incoming.job.success")[^1]["Sent"]?.ToString()); // the name Hull must get back, and the tampered one
    }

    [Fact]
    public async Task An_unchanged_run_skips_the_purge_only_when_the_run_before_left_nothing_marked()
    {
        var (connector, ids) = await ImportedAsync();
        await product.RunFunctionAsync(TriggerTable.FetchCompanies); // unchanged: no scan
        Assert.Single(connector.Logs("incoming.hashes.purge.skip"));

        await product.SandboxAdmin.DeleteObjectAsync(connector.PlanhatToken, ObjectKind.Companies, ids[5]);
        await product.RunFunctionAsync(TriggerTable.FetchCompanies); // a page changed: scans, marks the deleted one
        await product.RunFunctionAsync(TriggerTable.FetchCompanies); // unchanged, but a row is marked: scans, deletes it
        await product.RunFunctionAsync(TriggerTable.FetchCompanies); // unchanged, nothing marked: no scan

        Assert.Equal(2, connector.Logs("incoming.hashes.purge.skip").Count);
        Assert.Equal(["0 0", "0 1", "1 0"], connector.Logs("incoming.hashes.purge").Select(p => $"{p["Deleted"]} {p["Marked"]}"));
        var left = await product.Services.GetRequiredService<HashStore>().ReadAsync(connector.Id, IncomingKind.Companies, ids, CancellationToken.None);
        Assert.Equal(ids.Where((_, i) => i != 5).Order(), left.Keys.Order());
        Assert.Equal("0", connector.Logs("incoming.job.success")[^1]["Sent"]?.ToString());
    }

    [Fact]
    public void A_run_tells_an_object_it_listed_before_so_its_digests_are_not_trusted()
    {
        var seen = new SeenIds();
        static JsonObject Company(string id) => new() { ["_id"] = id };

        Assert.Equal(0, seen.Add([Company("a"), Company("b")]));
        Assert.Equal(1, seen.Add([Company("b"), Company("c")])); // offset paging shifted: "b" came again
    }

    /// <summary>A connector whose 12 companies went to Hull in one complete run, which left digests the next run trusts.</summary>
    private async Task<(TestConnector Connector, IReadOnlyList<string> Ids)> ImportedAsync()
    {
        var connector = await product.CreateConnectorAsync(new JsonObject { ["fetch_interval_accounts"] = "0" });
        (await connector.SendAccountsAsync([])).EnsureSuccessStatusCode();
        var ids = await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies, Enumerable.Range(0, 12).Select(i => new JsonObject
        {
            ["name"] = $"Company {i}", ["externalId"] = $"co-{i}",
        }));
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        Assert.Equal("12", connector.Logs("incoming.job.success")[^1]["Sent"]?.ToString());
        var digests = await DigestRowsAsync(connector.Id);
        Assert.Contains(PageDigests.RowKey(0), digests);
        return (connector, ids);
    }

    /// <summary>Changes a stored hash behind the product's back: only a row-by-row comparison notices.</summary>
    private async Task TamperAsync(string connectorId, string planhatId) =>
        await Hashes.UpdateEntityAsync(new TableEntity(HashStore.Partition(connectorId, IncomingKind.Companies), TableKeys.Encode(planhatId)) { ["Hash"] = "tampered" },
            ETag.All, TableUpdateMode.Merge);

    private TableClient Hashes => product.Services.GetRequiredService<StorageClients>().Table(StorageNames.HashesTable);

    private async Task<List<string>> DigestRowsAsync(string connectorId)
    {
        var rows = new List<string>();
        await foreach (var row in Hashes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PageDigests.Partition(connectorId, IncomingKind.Companies)}")))
        {
            rows.Add(row.RowKey);
        }

        return rows;
    }
}
