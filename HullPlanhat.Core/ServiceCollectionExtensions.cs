using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Housekeeping;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Install;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Operations;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Storage.Batching;
using HullPlanhat.Core.Telemetry;
using HullPlanhat.Core.TwoWay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace HullPlanhat.Core;

/// <summary>The one registration both hosts call.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddHullPlanhatCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddOptions<HullOptions>().Bind(configuration.GetSection("Hull")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FlowControlOptions>().Bind(configuration.GetSection("Hull:FlowControl"));
        services.AddOptions<PlanhatOptions>().Bind(configuration.GetSection("Planhat")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection("Outbox")).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(sp => new StorageClients(configuration, sp.GetRequiredService<StorageRequestMetrics>()));
        services.AddSingleton<ProductMetrics>();
        services.AddSingleton<ConnectorRegistry>();
        services.AddSingleton<QueueWriter>();
        services.AddSingleton<ClaimCheckReader>();
        services.AddSingleton<ConnectorMessageReader>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutboxGauges>();
        services.AddSingleton<SyncStateStore>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<RowFailureHandler>();
        services.AddSingleton<PlanhatUsersCache>();
        services.AddSingleton<PlanhatIdResolver>();
        services.AddSingleton<FirehoseTokenFactory>();
        services.AddSingleton<PlanhatRateGate>();
        services.AddSingleton<SharedPlanhatBudget>();
        services.AddSingleton<PlanhatCallCounter>();
        services.AddTransient<PlanhatRateLimitHandler>();

        AddPlanhatClient(services);
        AddHullClients(services);

        services.AddSingleton<CompanyFlusher>();
        services.AddSingleton<FunctionDispatcher>();
        services.AddKeyedSingleton<IHttpFunction, SmartNotifierHandler>(TriggerTable.SmartNotifier);
        services.AddKeyedSingleton<IQueueFunction, OutgoingAccountHandler>(TriggerTable.OutgoingAccount);
        services.AddKeyedSingleton<ITimerFunction, OutboxFlusher>(TriggerTable.FlushOutbox);

        services.AddIntake();
        services.AddThroughput();
        services.AddFlushDecisions();
        services.AddOutgoingUsers();
        services.AddIncoming();
        services.AddInternalApi();
        services.AddConnectorSecretProtection(configuration);
        services.AddHullInstallRoutes();
        services.AddTwoWay();
        services.AddOperations();
        services.AddHousekeeping();
        return services;
    }

    private static void AddPlanhatClient(IServiceCollection services)
    {
        // Resilience is outermost so each retry waits for the shared rate limit again (innermost handler).
        var client = services.AddHttpClient<PlanhatClient>(c => c.Timeout = Timeout.InfiniteTimeSpan);
        client.AddResilienceHandler("planhat", (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<PlanhatOptions>>().Value;
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                    ShouldHandle = options.MaxRetries == 0 ? _ => ValueTask.FromResult(false) : PlanhatRetryPolicy.ShouldRetry,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    MaxDelay = TimeSpan.FromMinutes(1),
                });
                builder.AddTimeout(options.AttemptTimeout);
            });
        client.AddHttpMessageHandler<PlanhatRateLimitHandler>();
    }

    private static void AddHullClients(IServiceCollection services)
    {
        services.AddHttpClient<HullFirehoseClient>(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("hull-firehose", builder =>
            {
                builder.AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 2, BackoffType = DelayBackoffType.Exponential, UseJitter = true, Delay = TimeSpan.FromMilliseconds(500) });
                builder.AddTimeout(TimeSpan.FromSeconds(10));
            });

        // The key URL comes from a request header: short timeout, no redirects to elsewhere.
        services.AddHttpClient<SignatureVerifier>(c => c.Timeout = TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
    }
}
