using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Client;
using Spectre.Console;

namespace HullPlanhat.Sandbox.Cli;

/// <summary>
/// Signs a notification file with a running sandbox's Hull key, POSTs it to a connector's
/// <c>/smart-notifier</c>, then waits up to 60 s for companies to appear in the tenant and prints them.
/// </summary>
internal static class ReplayCommand
{
    private static readonly TimeSpan WaitFor = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(CliArgs args)
    {
        var sandboxUrl = new Uri(WithSlash(args.Get("sandbox") ?? "http://127.0.0.1:5100"));
        var connectorUrl = new Uri(WithSlash(args.Require("connector-url")));
        var token = args.Get("token") ?? DemoTenant.Token;
        var json = await File.ReadAllTextAsync(args.Require("file"));
        if (JsonNode.Parse(json) is not JsonObject notification || notification["notification_id"]?.ToString() is not { Length: > 0 } notificationId)
        {
            AnsiConsole.MarkupLine("[red]The file must hold a notification object with a notification_id.[/]");
            return 2;
        }

        using var sandbox = new SandboxClient(sandboxUrl);
        if (notification["configuration"] is JsonObject config && config["id"] is not null && config["secret"] is not null)
        {
            await sandbox.RegisterConnectorAsync(config["id"]!.ToString(), config["organization"]?.ToString() ?? string.Empty, config["secret"]!.ToString());
        }

        var before = (await sandbox.GetObjectsAsync(token, "companies")).Count;
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
        AnsiConsole.MarkupLineInterpolated($"[bold]POST {request.RequestUri}[/] → {(int)response.StatusCode} {response.StatusCode}");
        AnsiConsole.WriteLine(body);

        var companies = await WaitForCompaniesAsync(sandbox, token, before);
        if (companies.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]No companies appeared within 60 s.[/]");
            return response.IsSuccessStatusCode ? 0 : 1;
        }

        var table = new Table().AddColumns("_id", "name", "externalId", "sourceId", "updatedAt");
        foreach (var company in companies)
        {
            table.AddRow([.. new[] { "_id", "name", "externalId", "sourceId", "updatedAt" }.Select(f => Markup.Escape(company[f]?.ToString() ?? ""))]);
        }

        AnsiConsole.Write(table);
        return response.IsSuccessStatusCode ? 0 : 1;
    }

    private static async Task<IReadOnlyList<JsonObject>> WaitForCompaniesAsync(SandboxClient sandbox, string token, int before)
    {
        var deadline = DateTimeOffset.UtcNow + WaitFor;
        IReadOnlyList<JsonObject> companies = [];
        while (DateTimeOffset.UtcNow < deadline)
        {
            companies = await sandbox.GetObjectsAsync(token, "companies");
            if (companies.Count > before || (before > 0 && companies.Count > 0))
            {
                return companies;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return companies;
    }

    private static string WithSlash(string url) => url.EndsWith('/') ? url : url + "/";
}
