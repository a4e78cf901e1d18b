using HullPlanhat.Core;
using HullPlanhat.Core.Hosting;
using HullPlanhat.SelfHost.Hosting;
using HullPlanhat.SelfHost.Logging;
using Microsoft.Extensions.Logging.Console;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
{
    InitialData = new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        // Defaults (environment and settings override them): framework noise only from Warning; the product's lines from Information.
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:System"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:Azure"] = "Warning",
    },
});

builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.FormatterName = HullJsonConsoleFormatter.Name)
    .AddConsoleFormatter<HullJsonConsoleFormatter, ConsoleFormatterOptions>();
// Request and outgoing URLs can carry credentials (Hull's schedules put the secret in the query): never log them.
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);

builder.Services.AddHullPlanhatCore(builder.Configuration);
builder.Services.AddSelfHostTelemetry(builder.Configuration);
builder.Services.AddOptions<SelfHostOptions>().Bind(builder.Configuration.GetSection("SelfHost")).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<FunctionLock>();
builder.Services.AddSingleton<StorageAvailability>();
foreach (var function in TriggerTable.All)
{
    switch (function.Kind)
    {
        case TriggerKind.Queue:
            builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<QueueListener>(sp, function));
            break;
        case TriggerKind.Timer:
            builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerScheduler>(sp, function));
            break;
    }
}

var app = builder.Build();
app.MapHttpFunctions();
app.MapAdminFunctions();
app.Run();

/// <summary>Entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
