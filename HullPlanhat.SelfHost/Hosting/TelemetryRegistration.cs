using Azure.Monitor.OpenTelemetry.Exporter;
using HullPlanhat.Core.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HullPlanhat.SelfHost.Hosting;

/// <summary>
/// Publishes the product's meter and traces: to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, else over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, else to the console when <c>Telemetry:Console</c> is true
/// (off by default: stdout carries the JSON log lines).
/// </summary>
public static class TelemetryRegistration
{
    public static IServiceCollection AddSelfHostTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var openTelemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("hull-planhat-selfhost"))
            .WithMetrics(metrics => metrics.AddMeter(ProductMetrics.Name))
            .WithTracing(tracing => tracing.AddSource(ProductMetrics.Name));

        if (configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } connectionString)
        {
            openTelemetry.UseAzureMonitorExporter(options => options.ConnectionString = connectionString);
        }
        else if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
        {
            openTelemetry.WithMetrics(metrics => metrics.AddOtlpExporter()).WithTracing(tracing => tracing.AddOtlpExporter());
        }
        else if (configuration.GetValue<bool>("Telemetry:Console"))
        {
            openTelemetry.WithMetrics(metrics => metrics.AddConsoleExporter()).WithTracing(tracing => tracing.AddConsoleExporter());
        }

        return services;
    }
}
