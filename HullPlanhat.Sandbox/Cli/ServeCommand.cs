using Spectre.Console;

namespace HullPlanhat.Sandbox.Cli;

/// <summary>Runs the sandbox standalone with the demo tenant until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        var options = new SandboxOptions
        {
            Port = args.GetInt("port", 5100),
            RequestsPerMinute = args.GetInt("rpm", 200),
            MaxPageSize = args.GetInt("max-page-size", 5000),
            EnableLogging = true,
        };

        await using var server = await SandboxServer.StartAsync(options);
        server.CreateTenant(DemoTenant.Token, DemoTenant.TenantId, users: DemoTenant.Users());
        var webhook = args.Get("webhook") is { } url ? new Uri(url) : null;
        if (webhook is not null)
        {
            using var admin = server.CreateClient();
            await admin.SetWebhookAsync(DemoTenant.Token, webhook);
        }

        var table = new Table().AddColumn("What").AddColumn("URL / value");
        table.AddRow("Base address", server.BaseAddress.ToString());
        table.AddRow("Planhat API base URL", server.PlanhatApiBaseUrl.ToString());
        table.AddRow("Planhat analytics base URL", server.AnalyticsBaseUrl.ToString());
        table.AddRow("Hull firehose URL", server.FirehoseUrl.ToString());
        table.AddRow("Hull public key URL", server.PublicKeyUrl.ToString());
        table.AddRow("Admin API", new Uri(server.BaseAddress, "_sandbox").ToString());
        table.AddRow("Demo Planhat token", DemoTenant.Token);
        table.AddRow("Demo tenant id", DemoTenant.TenantId);
        table.AddRow("Webhook on company/enduser changes", webhook is null ? "none (--webhook URL)" : webhook.GetLeftPart(UriPartial.Path));
        table.AddRow("Requests per minute", options.RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(new Rule("[green]Hull ⇄ Planhat sandbox[/]"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]Press Ctrl+C to stop.[/]");

        try
        {
            await Task.Delay(Timeout.Infinite, server.Stopping);
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[grey]Stopping…[/]");
        }

        return 0;
    }
}
