using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>The SelfHost's console as an operator reads it (jq, Application Insights): a real process, a real flow.</summary>
public sealed class SelfHostLogLinesTests
{
    private static readonly string[] FrameworkPrefixes = ["Microsoft.", "System.", "Polly", "Azure."];

    [Fact]
    public async Task Every_line_is_json_no_framework_line_below_warning_timestamps_are_iso_with_plus_and_flushes_count_their_calls()
    {
        // Its own storage: on CI's shared Azurite the test fixture's host would take this host's queue messages (same queue names).
        await using var storage = await AzuriteProcess.StartAsync(privateInstance: true);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        using var admin = sandbox.CreateClient();
        const string masterKey = "log-test-key";
        await using var host = await SelfHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["Planhat__ApiBaseUrl"] = new Uri(sandbox.BaseAddress, "planhat").ToString(),
            ["Planhat__AnalyticsBaseUrl"] = new Uri(sandbox.BaseAddress, "planhat-analytics").ToString(),
            ["Hull__FirehoseUrl"] = new Uri(sandbox.BaseAddress, "hull/firehose").ToString(),
            ["Hull__ApiBaseUrl"] = new Uri(sandbox.BaseAddress, "hull/api/v1").ToString(),
            ["Hull__TrustedKeyHosts"] = "127.0.0.1",
            ["SelfHost__MasterKey"] = masterKey,
            ["SelfHost__MaxPollingInterval"] = "00:00:00.200",
            ["AzureWebJobs__FlushOutbox__Disabled"] = "true",
            ["Outbox__PartialChunkHold"] = "00:00:00", // flushed on demand, everything staged goes at once
            ["Outbox__EventChunkHold"] = "00:00:00",
            ["AzureWebJobs__FetchCompanies__Disabled"] = "true",
            ["AzureWebJobs__FetchEndusers__Disabled"] = "true",
        });
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var token = "pat-" + Guid.NewGuid().ToString("N");
        var tenantId = "tenant-" + Guid.NewGuid().ToString("N");
        await admin.CreateTenantAsync(token, tenantId);
        var settings = TestUsers.Settings(new JsonObject
        {
            ["personal_acccess_token"] = token,
            ["tenant_id"] = tenantId,
            ["account_synchronized_segments"] = new JsonArray("seg-accounts"),
            ["contact_synchronized_segments"] = new JsonArray("seg-users"),
            ["account_attributes_outbound"] = new JsonArray(TestUsers.Mapping("name", "name")),
            ["contact_events"] = new JsonArray("Signed up"),
        });
        var connector = SandboxConnector.Create(settings);
        var sender = sandbox.CreateSender();
        var smartNotifier = new Uri(host.BaseAddress, "smart-notifier");
        var account = TestUsers.Account("logs-1", "Logs & <Co> +1");
        (await sender.SendAsync(smartNotifier, NotificationBuilder.AccountUpdate(connector, [TestConnector.AccountMessage(account)]))).EnsureSuccessStatusCode();
        await WaitForLineAsync(host, "outgoing.account.staged");
        await RunAsync(http, masterKey, TriggerTable.FlushOutbox);
        var user = TestUsers.Message(TestUsers.User("ivy"), account, [TestUsers.Event("Signed up", new JsonObject { ["plan"] = "pro" })]);
        (await sender.SendAsync(smartNotifier, NotificationBuilder.UserUpdate(connector, [user]))).EnsureSuccessStatusCode();
        await WaitForLineAsync(host, "outgoing.user.staged");
        await RunAsync(http, masterKey, TriggerTable.FlushOutbox);
        await RunAsync(http, masterKey, TriggerTable.FetchCompanies);
        Assert.Single(await admin.GetObjectsAsync(token, ObjectKind.Endusers));
        Assert.Single(await admin.GetAnalyticsAsync(token));
        await WaitForLineAsync(host, "incoming.job.success");

        var lines = host.Lines;
        var parsed = lines.Select(line => (Line: line, Json: Parse(line))).ToList();
        var framework = parsed.Where(p => p.Json["level"]!.ToString() is "info" or "debug"
            && FrameworkPrefixes.Any(prefix => p.Json["category"]!.ToString().StartsWith(prefix, StringComparison.Ordinal))).Select(p => p.Line).ToList();
        Assert.True(framework.Count == 0, "Framework lines below Warning:" + Environment.NewLine + string.Join(Environment.NewLine, framework));

        Assert.All(parsed, p =>
        {
            Assert.DoesNotContain("\\u002B", p.Line, StringComparison.Ordinal);
            Assert.EndsWith("+00:00", p.Json["timestamp"]!.ToString(), StringComparison.Ordinal);
            Assert.True(DateTimeOffset.TryParseExact(p.Json["timestamp"]!.ToString(), "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        });

        var flushes = parsed.Where(p => p.Json["message"]!.ToString() == "outgoing.flush.complete").Select(p => p.Json["data"]!).ToList();
        var companies = flushes.Single(f => f["object_type"]!.ToString() == "company");
        Assert.Equal(1, companies["calls"]!.GetValue<int>()); // one bulk PUT /companies, no license
        var endusers = flushes.Single(f => f["object_type"]!.ToString() == "enduser");
        Assert.Equal(1, endusers["calls"]!.GetValue<int>()); // one bulk PUT /endusers
        var events = flushes.Single(f => f["object_type"]!.ToString() == "event");
        Assert.Equal(1, events["calls"]!.GetValue<int>()); // then one activity call

        var started = parsed.First(p => p.Json["message"]!.ToString() == "incoming.job.start").Json["data"]!["started_at"]!.ToString();
        Assert.True(DateTimeOffset.TryParseExact(started, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), started);
    }

    private static JsonObject Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"Not a JSON object ({e.Message}): {line}");
        }
    }

    private static async Task RunAsync(HttpClient http, string masterKey, string function)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"admin/functions/{function}");
        request.Headers.Add("x-functions-key", masterKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static Task WaitForLineAsync(SelfHostProcess host, string message) =>
        ProductFixture.WaitUntilAsync(() => Task.FromResult(host.Lines.Any(l => l.Contains($"\"message\":\"{message}\"", StringComparison.Ordinal))),
            $"the host logged {message}", TimeSpan.FromSeconds(60));
}
