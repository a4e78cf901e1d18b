using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks;

/// <summary>A fresh connector with its own Sandbox tenant, and the measuring helpers scenarios share.</summary>
public sealed class BenchContext(ProductHost product, SandboxConnector connector, string token)
{
    public ProductHost Product => product;
    public SandboxConnector Connector => connector;
    public string Token => token;

    public static async Task<BenchContext> CreateAsync(ProductHost product, JsonObject settings)
    {
        var token = "bench-" + Guid.NewGuid().ToString("N");
        var tenantId = "tenant-" + Guid.NewGuid().ToString("N");
        await product.SandboxAdmin.CreateTenantAsync(token, tenantId, rpm: 200);
        settings["personal_acccess_token"] = token;
        settings["tenant_id"] = tenantId;
        var connector = SandboxConnector.Create(settings);
        await product.SandboxAdmin.RegisterConnectorAsync(connector); // the firehose sink verifies its JWTs
        return new BenchContext(product, connector, token);
    }

    /// <summary>Signs through the Sandbox's admin API (it may run in another process) and posts to /smart-notifier.</summary>
    /// <returns>How long the product took to answer the POST (signing excluded).</returns>
    public async Task<TimeSpan> SendAsync(string notificationJson) => (await PostAsync(notificationJson)).Elapsed;

    /// <summary>As <see cref="SendAsync"/>, with the flow control the product answered.</summary>
    public async Task<(TimeSpan Elapsed, JsonNode? FlowControl)> PostAsync(string notificationJson)
    {
        var notificationId = JsonNode.Parse(notificationJson)!["notification_id"]!.ToString();
        var signed = await product.SandboxAdmin.SignAsync(notificationId);
        using var request = new HttpRequestMessage(HttpMethod.Post, product.SmartNotifierUrl)
        {
            Content = new StringContent(notificationJson, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-hull-smart-notifier", "true");
        request.Headers.Add("x-hull-smart-notifier-signature-version", "v1");
        request.Headers.Add("x-hull-smart-notifier-signature", signed.Signature);
        request.Headers.Add("x-hull-smart-notifier-signature-public-key-url", signed.PublicKeyUrl);
        var time = Stopwatch.StartNew();
        using var response = await product.Http.SendAsync(request);
        time.Stop();
        response.EnsureSuccessStatusCode();
        return (time.Elapsed, JsonNode.Parse(await response.Content.ReadAsStringAsync())?["flow_control"]);
    }

    public int Logged(params string[] eventNames) => eventNames.Sum(n => product.Logs.For(connector.Id, n).Count);

    public async Task WaitForLogsAsync(int count, params string[] eventNames)
    {
        var deadline = Stopwatch.StartNew();
        while (Logged(eventNames) < count)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(20))
            {
                throw new TimeoutException($"Only {Logged(eventNames)} of {count} {string.Join("/", eventNames)} logs.");
            }

            await Task.Delay(50);
        }
    }

    public async Task<IReadOnlyList<SandboxCall>> CallsAsync() => await product.SandboxAdmin.GetCallsAsync(token);
}
