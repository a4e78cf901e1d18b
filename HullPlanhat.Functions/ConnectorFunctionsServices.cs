using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using HullPlanhat.Core;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HullPlanhat.Functions;

/// <summary>
/// Everything the Functions app registers besides the worker's own services. Program.cs calls it,
/// and so do the tests that invoke the function classes, so both run the same container.
/// </summary>
public static class ConnectorFunctionsServices
{
    public static IServiceCollection AddConnectorFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        // The same registrations as the SelfHost: every behaviour lives in Core.
        services.AddHullPlanhatCore(configuration);

        services.AddLogging(logging =>
        {
            // HttpClient logs request URLs at Information; Planhat and Hull URLs can carry tokens.
            logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
            // Request URLs may carry Hull's schedule credentials.
            logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        });

        if (!string.IsNullOrWhiteSpace(configuration[TelemetrySettings.ConnectionStringKey]))
        {
            AddAzureMonitor(services, configuration);
        }

        return services;
    }

    private static void AddAzureMonitor(IServiceCollection services, IConfiguration configuration)
    {
        // Statements on the concrete builder: UseFunctionsWorkerDefaults has been declared on both
        // OpenTelemetryBuilder and IOpenTelemetryBuilder across package versions.
        var openTelemetry = services.AddOpenTelemetry();
        openTelemetry.UseFunctionsWorkerDefaults();
        openTelemetry.WithMetrics(metrics => metrics.AddMeter(TelemetrySettings.MeterName));
        openTelemetry.WithTracing(tracing => tracing.AddSource(TelemetrySettings.ActivitySourceName));

        // Connection string comes from APPLICATIONINSIGHTS_CONNECTION_STRING; with local auth disabled
        // on Application Insights, the managed identity named in the authentication string signs in.
        TokenCredential? credential = TelemetrySettings.CredentialFrom(configuration[TelemetrySettings.AuthenticationStringKey]);
        openTelemetry.UseAzureMonitorExporter(options =>
        {
            if (credential is not null)
            {
                options.Credential = credential;
            }
        });
    }
}
