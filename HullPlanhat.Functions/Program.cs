using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using HullPlanhat.Core;
using HullPlanhat.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration: HTTP triggers take HttpRequest and return IActionResult.
builder.ConfigureFunctionsWebApplication();

// The same registrations as the SelfHost: every behaviour lives in Core.
builder.Services.AddHullPlanhatCore(builder.Configuration);

// HttpClient logs request URLs at Information; Planhat and Hull URLs can carry tokens.
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning); // request URLs may carry Hull schedule credentials

if (!string.IsNullOrWhiteSpace(builder.Configuration[TelemetrySettings.ConnectionStringKey]))
{
    // Statements on the concrete builder: UseFunctionsWorkerDefaults has been declared on both
    // OpenTelemetryBuilder and IOpenTelemetryBuilder across package versions.
    var openTelemetry = builder.Services.AddOpenTelemetry();
    openTelemetry.UseFunctionsWorkerDefaults();
    openTelemetry.WithMetrics(metrics => metrics.AddMeter(TelemetrySettings.MeterName));
    openTelemetry.WithTracing(tracing => tracing.AddSource(TelemetrySettings.ActivitySourceName));

    // Connection string comes from APPLICATIONINSIGHTS_CONNECTION_STRING; with local auth disabled
    // on Application Insights, the managed identity named in the authentication string signs in.
    TokenCredential? credential = TelemetrySettings.CredentialFrom(
        builder.Configuration[TelemetrySettings.AuthenticationStringKey]);
    openTelemetry.UseAzureMonitorExporter(options =>
    {
        if (credential is not null)
        {
            options.Credential = credential;
        }
    });
}

builder.Build().Run();
