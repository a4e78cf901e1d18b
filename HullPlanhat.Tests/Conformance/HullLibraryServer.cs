using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Tests.Deployment;

namespace HullPlanhat.Tests.Conformance;

/// <summary>
/// Hull's own Node libraries (npm <c>hull</c> 0.14, <c>hull-client</c> 2.0, <c>jwt-simple</c>) behind a loopback server
/// (<c>hull-conformance.js</c>). Needs <c>node</c> and <c>npm ci</c>: if either is missing, starting fails and so do the tests.
/// </summary>
public sealed class HullLibraryServer : IAsyncDisposable
{
    private readonly Process process;

    private HullLibraryServer(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public static async Task<HullLibraryServer> StartAsync()
    {
        var start = new ProcessStartInfo("node", [RepositoryFiles.PathOf("HullPlanhat.Tests", "Conformance", "hull-conformance.js")])
        {
            WorkingDirectory = RepositoryFiles.PathOf(),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        var firstLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (firstLine is null || JsonNode.Parse(firstLine)?["port"]?.GetValue<int>() is not { } port)
        {
            process.Kill();
            throw new InvalidOperationException("hull-conformance.js did not start (is `npm ci` done?): " + await stderr);
        }

        return new HullLibraryServer(process, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>The product's firehose POSTs captured so far, each message's token decoded by jwt-simple with its connector's secret.</summary>
    public async Task<JsonArray> VerifyProductPostsAsync(IReadOnlyDictionary<string, string> secrets) =>
        await PostAsync("_verify", new JsonObject { ["secrets"] = new JsonObject([.. secrets.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))]) });

    /// <summary>The same calls made through hull-client; its firehose POSTs, decoded as above.</summary>
    public async Task<JsonArray> ClientPostsAsync(string id, string secret, string organization, JsonArray calls) =>
        await PostAsync("_client", new JsonObject { ["id"] = id, ["secret"] = secret, ["organization"] = organization, ["calls"] = calls });

    private async Task<JsonArray> PostAsync(string path, JsonObject body)
    {
        using var response = await Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        process.StandardInput.Close(); // the script exits when its stdin ends
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
        }

        process.Dispose();
    }
}
