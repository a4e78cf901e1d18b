using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Storage;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Operations;

/// <summary>
/// GET /dashboard in a real headless browser (Chromium from the OS packages; CI installs it, see
/// build.sh): the page renders the figures /api/overview answers, and may be framed by Hull only.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed partial class DashboardTests(ProductFixture product)
{
    [Fact]
    public async Task The_status_page_renders_the_figures_the_API_returns_in_a_headless_browser()
    {
        var connector = await product.KnownConnectorAsync();
        // Something to show: a refused row (a run with a failure, a row waiting in the outbox) and a poison message.
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(1, [400]));
        await connector.StageAccountsAsync(TestUsers.Account("dash-1"), TestUsers.Account("dash-2"));
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, FaultConfig.None);
        await product.Services.GetRequiredService<StorageClients>().Queue(StorageNames.PoisonQueue(TriggerTable.UsersQueue))
            .SendMessageAsync(new JsonObject { ["connectorId"] = connector.Id, ["user"] = TestUsers.User("dash-user") }.ToJsonString());

        var overview = await product.CallAsync(connector, HttpMethod.Get, "api/overview");
        Assert.Equal(2, overview["outbox"]!["depth"]!.GetValue<long>());
        Assert.Equal(1, overview["poison"]!["count"]!.GetValue<int>());
        var run = overview["runs"]!.AsArray()[0]!;

        var dom = await RenderAsync(new Uri(product.BaseAddress, "dashboard?" + connector.HullQuery()));
        Assert.Contains("data-loaded=\"true\"", dom);
        Assert.Equal(overview["status"]!.ToString(), Figure(dom, "status"));
        Assert.Equal(overview["outbox"]!["depth"]!.ToString(), Figure(dom, "outbox-depth"));
        Assert.InRange(long.Parse(Figure(dom, "outbox-oldest")), overview["outbox"]!["oldestAgeSeconds"]!.GetValue<long>(), overview["outbox"]!["oldestAgeSeconds"]!.GetValue<long>() + 30);
        Assert.Equal(overview["deadLetters"]!["count"]!.ToString(), Figure(dom, "deadletters-count"));
        Assert.Equal("1", Figure(dom, "poison-count"));
        Assert.Contains($"data-run-id=\"{run["id"]}\"", dom);
        Assert.Contains($"<td>{run["failed"]}</td>", dom);
        Assert.Contains("user hull-user-dash-user", dom);
        foreach (var button in (string[])["replay-deadletters", "replay-poison", "preview-incoming", "resync", "preview"])
        {
            Assert.Contains($"<button id=\"{button}\"", dom);
        }

        // A wrong secret shows nothing (a 401 with a Basic challenge, which a headless browser cannot answer).
        var refused = await RenderAsync(new Uri(product.BaseAddress, "dashboard?" + connector.HullQuery("wrong-secret")), mustRender: false);
        Assert.DoesNotContain("data-loaded", refused);
    }

    [Fact]
    public async Task The_status_page_is_self_contained_and_may_be_framed_by_Hulls_dashboard_only()
    {
        var connector = await product.KnownConnectorAsync();
        using var response = await product.Http.GetAsync("dashboard?" + connector.HullQuery());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'self' https://*.hullapp.io https://*.hull.io", csp);
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotContain(connector.Hull.Secret, html);
    }

    [Fact]
    public async Task The_status_pages_buttons_call_the_operator_API()
    {
        var connector = await product.KnownConnectorAsync();
        await product.SyncAccountsAsync(connector, TestUsers.Account("button-1"));

        await using var page = await HeadlessChromium.OpenAsync(new Uri(product.BaseAddress, "dashboard?" + connector.HullQuery()));
        await page.WaitForAsync("document.body.dataset.loaded", "the overview");
        Assert.Equal("1", (await page.EvaluateAsync("document.querySelectorAll('#runs tr').length"))!.ToString());

        await page.EvaluateAsync("document.getElementById('preview-incoming').click()");
        var preview = JsonNode.Parse(await page.WaitForAsync("document.getElementById('result').textContent", "the incoming preview"))!;
        Assert.Equal(2, preview["kinds"]!.AsArray().Count);

        await page.EvaluateAsync("document.getElementById('resync-kind').value = 'accounts'; document.getElementById('result').textContent = ''; document.getElementById('resync').click()");
        var resync = JsonNode.Parse(await page.WaitForAsync("document.getElementById('result').textContent", "the resync answer"))!;
        Assert.Equal(1, resync["forgotten"]!["accounts"]!.GetValue<int>());
        Assert.Single(connector.Logs("connector.resync"), l => l["Kind"] == "accounts" && l["Forgotten"] == "1");
    }

    private static string Figure(string dom, string id) => Regex.Match(dom, $"id=\"{id}\"[^>]*>([^<]*)<").Groups[1].Value;

    /// <summary>The page's DOM after its scripts ran, from headless Chromium.</summary>
    private static async Task<string> RenderAsync(Uri url, bool mustRender = true)
    {
        var browser = HeadlessChromium.Executable;
        var profile = Directory.CreateTempSubdirectory("hullplanhat-chromium-");
        try
        {
            var start = new ProcessStartInfo(browser)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList =
                {
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                    "--user-data-dir=" + profile.FullName, "--virtual-time-budget=15000", "--dump-dom", url.ToString(),
                },
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            var dom = await stdout;
            Assert.True(!mustRender || dom.Contains("</html>", StringComparison.Ordinal), "Chromium rendered nothing: " + await stderr);
            return dom;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
