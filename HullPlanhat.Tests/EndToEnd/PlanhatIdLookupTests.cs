using System.Text.Json.Nodes;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>
/// Finding the ids of objects Planhat already holds (a first sync against a populated Planhat, or
/// rows a bulk upsert accepted without naming them), against the Sandbox's Planhat over HTTP: the
/// lookups of one flush share one pass over the list (<see cref="PlanhatListing"/>) instead of paging
/// it once per chunk.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class PlanhatIdLookupTests(ProductFixture product)
{
    private const int Endusers = 12_000; // three list pages of 5,000

    [Fact]
    public async Task Chunks_of_one_flush_read_the_list_once_between_them_and_a_newer_enduser_is_still_found()
    {
        var connector = await product.CreateConnectorAsync();
        var company = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies, [new JsonObject { ["name"] = "Co", ["externalId"] = "co" }]))[0];
        var planhatIds = new List<string>();
        foreach (var chunk in Enumerable.Range(0, Endusers).Chunk(4000))
        {
            planhatIds.AddRange(await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers,
                chunk.Select(i => new JsonObject { ["externalId"] = $"e-{i}", ["email"] = $"e{i}@example.com", ["companyId"] = company })));
        }

        var resolver = product.Services.GetRequiredService<PlanhatIdResolver>();
        var connection = Connection(connector);
        var listing = new PlanhatListing();

        // Three chunks, each with keys on the last page of the list (the first chunk also by email).
        int[][] chunks = [[11_999, 5, 6_000, 7], [11_000, 3, 9, 1], [10_001, 2, 4_000, 8]];
        foreach (var chunk in chunks)
        {
            var items = chunk.Select(i => i == 7 ? new JsonObject { ["email"] = "E7@example.com" } : new JsonObject { ["externalId"] = $"e-{i}" }).ToList();
            var ids = await resolver.ResolveAsync(connection, PlanhatIdLookup.Endusers, items, listing, CancellationToken.None);
            Assert.Equal(chunk.Select(i => planhatIds[i]), ids);
        }

        Assert.Equal(["0", "5000", "10000"], await ListedOffsetsAsync(connector)); // each page once, for the three chunks together

        // An enduser created after the pass is listed after its end: reading on finds it (offset 12,000), no new pass.
        var newer = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers,
            [new JsonObject { ["externalId"] = "e-newer", ["companyId"] = company }]))[0];
        var found = await resolver.ResolveAsync(connection, PlanhatIdLookup.Endusers,
            [new JsonObject { ["externalId"] = "e-newer" }, new JsonObject { ["externalId"] = "e-1" }, new JsonObject { ["externalId"] = "e-2" }, new JsonObject { ["externalId"] = "e-3" }],
            listing, CancellationToken.None);
        Assert.Equal(new string?[] { newer, planhatIds[1], planhatIds[2], planhatIds[3] }, found);
        Assert.Equal(["0", "5000", "10000", "12000"], await ListedOffsetsAsync(connector));

        // A key Planhat does not hold: after reading on, one new pass from the first page (a deletion may have shifted the offsets), then null.
        var absent = await resolver.ResolveAsync(connection, PlanhatIdLookup.Endusers,
            [new JsonObject { ["externalId"] = "e-absent" }, new JsonObject { ["externalId"] = "e-4" }, new JsonObject { ["externalId"] = "e-5" }, new JsonObject { ["externalId"] = "e-6" }],
            listing, CancellationToken.None);
        Assert.Equal(new string?[] { null, planhatIds[4], planhatIds[5], planhatIds[6] }, absent);
        Assert.Equal(["0", "5000", "10000", "12000", "12001", "0", "5000", "10000", "12001"], await ListedOffsetsAsync(connector));
    }

    [Fact]
    public async Task Without_a_shared_listing_each_lookup_pages_from_the_start()
    {
        var connector = await product.CreateConnectorAsync();
        var seeded = await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers,
            Enumerable.Range(0, 6).Select(i => new JsonObject { ["externalId"] = $"x-{i}", ["email"] = $"x{i}@example.com" }));
        var resolver = product.Services.GetRequiredService<PlanhatIdResolver>();

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var ids = await resolver.ResolveAsync(Connection(connector), PlanhatIdLookup.Endusers,
                [.. Enumerable.Range(0, 6).Select(i => new JsonObject { ["externalId"] = $"x-{i}" })], null, CancellationToken.None);
            Assert.Equal(seeded.Cast<string?>(), ids);
        }

        Assert.Equal(["0", "0"], await ListedOffsetsAsync(connector));
    }

    private static async Task<string[]> ListedOffsetsAsync(TestConnector connector) =>
        [.. (await connector.PlanhatCallsAsync()).Where(c => c.Method == "GET").Select(c => c.Query.Split('&', '?').Single(p => p.StartsWith("offset=")).Split('=')[1])];

    private PlanhatConnection Connection(TestConnector connector)
    {
        var options = product.Services.GetRequiredService<IOptions<PlanhatOptions>>().Value;
        return new PlanhatConnection(connector.Id, options.ApiBaseUrl!, options.AnalyticsBaseUrl!, connector.PlanhatToken, null);
    }
}
