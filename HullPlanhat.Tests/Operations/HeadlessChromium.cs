using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HullPlanhat.Tests.Operations;

/// <summary>
/// Headless Chromium (the OS package) driven over the DevTools protocol: open a page, evaluate
/// script in it (clicks included), read what it shows.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process process;
    private readonly DirectoryInfo profile;
    private readonly ClientWebSocket socket = new();
    private int nextId;

    private HeadlessChromium(Process process, DirectoryInfo profile)
    {
        this.process = process;
        this.profile = profile;
    }

    public static string Executable =>
        Environment.GetEnvironmentVariable("HULLPLANHAT_CHROMIUM")
        ?? new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("No Chromium found: install the OS package (apt-get install -y chromium; build.sh test does) or set HULLPLANHAT_CHROMIUM.");

    public static async Task<HeadlessChromium> OpenAsync(Uri url)
    {
        var profile = Directory.CreateTempSubdirectory("hullplanhat-chromium-");
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-port=0", "--user-data-dir=" + profile.FullName, "about:blank" })
        {
            start.ArgumentList.Add(arg);
        }

        var browser = new HeadlessChromium(Process.Start(start)!, profile);
        _ = browser.process.StandardOutput.ReadToEndAsync();
        var port = await browser.DevToolsPortAsync();
        using var http = new HttpClient();
        var pages = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
        var page = pages.First(p => p!["type"]!.ToString() == "page")!;
        await browser.socket.ConnectAsync(new Uri(page["webSocketDebuggerUrl"]!.ToString()), CancellationToken.None);
        await browser.SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
        return browser;
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page; its value as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var answer = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        return answer["result"]?["result"]?["value"]?.DeepClone();
    }

    /// <summary>Polls <paramref name="expression"/> until it is truthy (as a string, non-empty and not "false").</summary>
    public async Task<string> WaitForAsync(string expression, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = (await EvaluateAsync(expression))?.ToString();
            if (!string.IsNullOrEmpty(value) && value != "false")
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until the page shows {what} ({expression} = {value ?? "null"}).");
            await Task.Delay(200);
        }
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref nextId);
        var request = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString());
        await socket.SendAsync(request, WebSocketMessageType.Text, true, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var message = await ReceiveAsync(timeout.Token);
            if (message["id"]?.GetValue<int>() == id)
            {
                Assert.True(message["error"] is null, $"{method}: {message["error"]}");
                return message;
            }
        }
    }

    private async Task<JsonNode> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(chunk, cancellationToken);
            buffer.Write(chunk, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonNode.Parse(buffer.ToArray())!;
    }

    private async Task<int> DevToolsPortAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new StringBuilder();
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (DevToolsLine().Match(line) is { Success: true } match)
            {
                _ = process.StandardError.ReadToEndAsync();
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("Chromium did not open its DevTools port: " + seen);
    }

    [GeneratedRegex(@"DevTools listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex DevToolsLine();

    public async ValueTask DisposeAsync()
    {
        socket.Dispose();
        try
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Exited already.
        }

        process.Dispose();
        try
        {
            profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A child may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
