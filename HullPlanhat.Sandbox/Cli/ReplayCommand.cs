using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Client;
using Spectre.Console;

namespace HullPlanhat.Sandbox.Cli;

/// <summary>
/// Signs a notification file with a running sandbox's Hull key, POSTs it to a connector's
/// <c>/smart-notifier</c>, then waits (<c>--wait</c> seconds, 60 by default) until the objects of
/// that notification are in the Sandbox's Planhat and their ids back in Hull, and prints them.
/// </summary>
internal static class ReplayCommand
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 4096; // piped or logged: never wrap a line
        }

        var sandboxUrl = new Uri(WithSlash(args.Get("sandbox") ?? "http://127.0.0.1:5100"));
        var connectorUrl = new Uri(WithSlash(args.Require("connector-url")));
        var file = CliPaths.Resolve(args.Require("file"), args.Get("cwd"));
        var waitFor = TimeSpan.FromSeconds(args.GetInt("wait", 60));
        var json = await File.ReadAllTextAsync(file);
        if (JsonNode.Parse(json) is not JsonObject notification || notification["notification_id"]?.ToString() is not { Length: > 0 } notificationId)
        {
            AnsiConsole.MarkupLine("[red]The file must hold a notification object with a notification_id.[/]");
            return 2;
        }

        var expected = ReplayExpectation.From(notification);
        var token = args.Get("token") ?? expected.PlanhatToken ?? DemoTenant.Token;
        using var sandbox = new SandboxClient(sandboxUrl);
        if (notification["configuration"] is JsonObject config && config["id"] is not null && config["secret"] is not null)
        {
            await sandbox.RegisterConnectorAsync(config["id"]!.ToString(), config["organization"]?.ToString() ?? string.Empty, config["secret"]!.ToString());
        }

        var signed = await sandbox.SignAsync(notificationId);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(connectorUrl, "smart-notifier"))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-hull-smart-notifier", "true");
        request.Headers.TryAddWithoutValidation("x-hull-smart-notifier-signature-version", "v1");
        request.Headers.TryAddWithoutValidation("x-hull-smart-notifier-signature", signed.Signature);
        request.Headers.TryAddWithoutValidation("x-hull-smart-notifier-signature-public-key-url", signed.PublicKeyUrl);

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        AnsiConsole.MarkupLineInterpolated($"[bold]POST {request.RequestUri}[/] ({Path.GetFileName(file)}, {expected.Accounts.Count} accounts, {expected.Users.Count} users, {expected.Events.Count} whitelisted events) → {(int)response.StatusCode} {response.StatusCode}");
        Console.Out.WriteLine(body);
        if (!response.IsSuccessStatusCode)
        {
            return 1;
        }

        var outcome = await WaitForOutcomeAsync(sandbox, token, expected, waitFor);
        ReplayReport.Write(outcome);
        if (!outcome.Complete)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Not everything arrived within {waitFor.TotalSeconds:0} s (filtered out by the connector's settings? see the SelfHost's log).[/]");
            return 1;
        }

        return 0;
    }

    private static async Task<ReplayOutcome> WaitForOutcomeAsync(SandboxClient sandbox, string token, ReplayExpectation expected, TimeSpan waitFor)
    {
        var clock = Stopwatch.StartNew();
        async Task<ReplayOutcome> PollAsync(Action<string> report)
        {
            while (true)
            {
                var outcome = await ReplayOutcome.ReadAsync(sandbox, token, expected, CancellationToken.None);
                if (outcome.Complete || clock.Elapsed >= waitFor)
                {
                    return outcome;
                }

                report($"Waiting for the outbox flush… {clock.Elapsed.TotalSeconds:0} s");
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }

        // A spinner only on a terminal: piped, it would print one line per update.
        var result = Console.IsOutputRedirected
            ? await PollAsync(_ => { })
            : await AnsiConsole.Status().StartAsync("Waiting for the outbox flush…", status => PollAsync(text => status.Status(text)));
        AnsiConsole.MarkupLineInterpolated($"[grey]Read after {clock.Elapsed.TotalSeconds:0.0} s.[/]");
        return result;
    }

    private static string WithSlash(string url) => url.EndsWith('/') ? url : url + "/";
}
