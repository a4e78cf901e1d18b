using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Batch;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Storage;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary><c>POST /batch</c> and <c>/batch-accounts</c>: Hull's manual sends, over the Sandbox's Hull serving the extract.</summary>
[Collection(ProductCollection.Name)]
public sealed class BatchExtractTests(ProductFixture product)
{
    [Fact]
    public async Task An_account_extract_enqueues_every_account_once_and_skips_a_malformed_line_with_its_reason()
    {
        var connector = await RegisteredConnectorAsync();
        var lines = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            // Not in the whitelisted segment: a manual send ignores the filter.
            lines.Add(new JsonObject { ["id"] = $"h{i}", ["external_id"] = $"batch-{i}", ["name"] = $"Company {i}", ["segment_ids"] = new JsonArray("other") }.ToJsonString());
            if (i == 150)
            {
                lines.Add("""{"id":"broken", "external_id": """);
                lines.Add(new JsonObject { ["id"] = "no-external-id", ["name"] = "Nameless" }.ToJsonString());
            }
        }

        var (extractId, url) = await product.SandboxAdmin.AddExtractAsync(string.Join('\n', lines) + "\n");
        using var response = await PostBatchAsync(connector, "batch-accounts", url, "account_report");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["ok"]!.GetValue<bool>());
        await ProductFixture.WaitUntilAsync(() => Task.FromResult(connector.Logs("connector.batch.success").Count == 1), "the extract was read");
        var summary = Assert.Single(connector.Logs("connector.batch.success"));
        Assert.Equal("302", summary["Lines"]);
        Assert.Equal("301", summary["Enqueued"]);
        Assert.Equal("1", summary["Skipped"]);
        Assert.Equal(1, await product.SandboxAdmin.GetExtractFetchCountAsync(extractId));

        await connector.WaitForAccountDecisionsAsync(302);
        var skips = connector.Logs("outgoing.account.skip").Select(l => l["Reason"]).ToList();
        Assert.Equal(2, skips.Count);
        Assert.Contains(skips, r => r!.Contains("Line 152 of the extract is not valid JSON", StringComparison.Ordinal));
        Assert.Contains(skips, r => r!.Contains("external_id", StringComparison.Ordinal));
        Assert.Equal(300, connector.Logs("outgoing.account.staged").Count);

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var companies = await connector.PlanhatAsync(ObjectKind.Companies);
        Assert.Equal(300, companies.Count);
        Assert.Equal(300, companies.Select(c => c["externalId"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task Duplicate_deliveries_of_a_jobs_messages_neither_lose_nor_fork_it()
    {
        var connector = await RegisteredConnectorAsync();
        var lines = Enumerable.Range(0, 250).Select(i => new JsonObject { ["id"] = $"d{i}", ["external_id"] = $"dup-{i}", ["name"] = $"Dup {i}" }.ToJsonString());
        var (extractId, url) = await product.SandboxAdmin.AddExtractAsync(string.Join('\n', lines));
        var jobs = product.Services.GetRequiredService<ExtractJobHandler>();
        var start = new ExtractJobMessage
        {
            JobId = Guid.NewGuid().ToString("N"),
            ConnectorId = connector.Id,
            Kind = ExtractKind.Accounts,
            ProtectedUrl = product.Services.GetRequiredService<ConnectorSecretProtector>().Protect(url.ToString()),
        };
        var nudge = JsonSerializer.Serialize(start with { ProtectedUrl = null }, ExtractJobJsonContext.Default.ExtractJobMessage);

        // The first message delivered three times at once, then the nudge again and again while the
        // SelfHost's own worker carries the job on (a crash between commit and delete, repeated).
        var text = JsonSerializer.Serialize(start, ExtractJobJsonContext.Default.ExtractJobMessage);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => jobs.HandleAsync(text, CancellationToken.None)));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => jobs.HandleAsync(nudge, CancellationToken.None)));

        await ProductFixture.WaitUntilAsync(() => Task.FromResult(connector.Logs("connector.batch.success").Count > 0), "the job finished",
            TimeSpan.FromSeconds(120), connector.DiagnoseAsync); // 2-3 s alone; CI's two cores also run the reliability suites beside it
        await Task.Delay(500); // a forked job would finish a second time
        var summary = Assert.Single(connector.Logs("connector.batch.success"));
        Assert.Equal(("250", "250", "0"), (summary["Lines"], summary["Enqueued"], summary["Skipped"]));
        Assert.InRange(await product.SandboxAdmin.GetExtractFetchCountAsync(extractId), 1, 3);

        // Lines enqueued twice (by a duplicate delivery that lost the race) are staged twice: wait for Planhat, not for log counts.
        await ProductFixture.WaitUntilAsync(async () =>
        {
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
            return (await connector.PlanhatAsync(ObjectKind.Companies)).Count >= 250;
        }, "every account reached Planhat", diagnostics: connector.DiagnoseAsync);
        var companies = await connector.PlanhatAsync(ObjectKind.Companies);
        Assert.Equal(250, companies.Select(c => c["externalId"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(250, companies.Count);
    }

    [Fact]
    public async Task An_extract_that_is_gone_ends_the_job_with_an_error_and_no_retries()
    {
        var connector = await RegisteredConnectorAsync();
        var (_, url) = await product.SandboxAdmin.AddExtractAsync("""{"id":"x","external_id":"y"}""");
        var gone = new UriBuilder(url) { Path = url.AbsolutePath + "-expired" }.Uri;

        using var response = await PostBatchAsync(connector, "batch-accounts", gone, "account_report");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // Hull is answered before the extract is read
        await ProductFixture.WaitUntilAsync(() => Task.FromResult(connector.Logs("connector.batch.error").Count > 0), "the job failed");
        Assert.Contains("404", Assert.Single(connector.Logs("connector.batch.error"))["Error"], StringComparison.Ordinal);
        Assert.Empty(connector.Logs("connector.batch.success"));
    }

    [Fact]
    public async Task A_user_extract_ignores_the_segment_filter_and_carries_the_linked_account()
    {
        var connector = await RegisteredConnectorAsync();
        var lines = Enumerable.Range(0, 5).Select(i => new JsonObject
        {
            ["id"] = $"u{i}",
            ["email"] = $"batch-user{i}@example.com",
            ["name"] = $"User {i}",
            ["segment_ids"] = new JsonArray("not-whitelisted"),
            ["account"] = new JsonObject { ["id"] = "a1", ["external_id"] = "batch-users-co", ["name"] = "Users Co" },
        }.ToJsonString());

        var (_, url) = await product.SandboxAdmin.AddExtractAsync(string.Join('\n', lines));
        using var response = await PostBatchAsync(connector, "batch", url, "user_report");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await connector.WaitForUserDecisionsAsync(5);
        Assert.DoesNotContain(connector.Logs("outgoing.user.skip"), l => l["Reason"]!.Contains("segment", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(5, connector.Logs("outgoing.user.staged").Count);
    }

    [Fact]
    public async Task A_wrong_secret_is_a_401_and_the_extract_is_never_fetched()
    {
        var connector = await RegisteredConnectorAsync();
        var (extractId, url) = await product.SandboxAdmin.AddExtractAsync("""{"id":"x","external_id":"y"}""");

        using var response = await PostBatchAsync(connector, "batch-accounts", url, "account_report", secret: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await product.SandboxAdmin.GetExtractFetchCountAsync(extractId));
    }

    [Theory]
    [InlineData("localhost")] // loopback, but not an allowed host name
    [InlineData("127.0.0.2")]
    public async Task An_extract_on_an_untrusted_host_is_refused_and_never_fetched(string host)
    {
        var connector = await RegisteredConnectorAsync();
        var (extractId, url) = await product.SandboxAdmin.AddExtractAsync("""{"id":"x","external_id":"y"}""");
        var elsewhere = new UriBuilder(url) { Host = host }.Uri;

        using var response = await PostBatchAsync(connector, "batch", elsewhere, "user_report");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("TrustedExtractHosts", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await product.SandboxAdmin.GetExtractFetchCountAsync(extractId));
    }

    [Fact]
    public async Task An_extract_over_plain_http_off_loopback_is_refused()
    {
        var connector = await RegisteredConnectorAsync();
        using var response = await PostBatchAsync(connector, "batch", new Uri("http://extracts.hullapp.io/x.json"), "user_report");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("HTTPS", await response.Content.ReadAsStringAsync());
    }

    private Task<TestConnector> RegisteredConnectorAsync() => InternalApiClient.RegisteredConnectorAsync(product);

    private Task<HttpResponseMessage> PostBatchAsync(TestConnector connector, string route, Uri extract, string objectType, string? secret = null)
    {
        var body = new JsonObject { ["url"] = extract.ToString(), ["format"] = "json", ["object_type"] = objectType };
        return product.Http.PostAsync($"{route}?{connector.HullQuery(secret)}", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
    }
}
