using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Operations.Dashboard;
using HullPlanhat.Core.Operations.DeadLetters;
using HullPlanhat.Core.Operations.Preview;
using HullPlanhat.Core.Operations.Resync;
using HullPlanhat.Core.Operations.Runs;
using HullPlanhat.Core.Planhat;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Operations;

public static class OperationsServiceCollectionExtensions
{
    /// <summary>Registers the operator tooling (issue 15): preview, run history, dead letters, poison messages, resync, status page.</summary>
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddOptions<RunHistoryOptions>().BindConfiguration("Operations");
        services.AddOptions<DashboardOptions>().BindConfiguration("Operations");
        services.AddSingleton<OperationsMetrics>();
        services.AddSingleton<OperationsGate>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<RunRecorder>();
        services.AddTransient<BulkAnswerTap>();
        services.AddHttpClient<PlanhatClient>().AddHttpMessageHandler<BulkAnswerTap>();
        services.AddSingleton<PlanhatHeldObjects>();
        services.AddSingleton<OutgoingPreview>();
        services.AddSingleton<IncomingPreview>();
        services.AddSingleton<DeadLetterReplayer>();
        services.AddSingleton<PoisonMessages>();
        services.AddSingleton<HashForgetter>();
        services.AddSingleton<PreviewApi>();
        services.AddSingleton<RunsApi>();
        services.AddSingleton<DeadLettersApi>();
        services.AddSingleton<ResyncApi>();
        services.AddSingleton<OverviewApi>();
        services.AddSingleton<DashboardPage>();

        Route<PreviewApi>(services, TriggerTable.Preview, api => api.OutgoingAsync);
        Route<PreviewApi>(services, TriggerTable.PreviewIncoming, api => api.IncomingAsync);
        Route<RunsApi>(services, TriggerTable.Runs, api => api.ListAsync);
        Route<RunsApi>(services, TriggerTable.RunErrors, api => api.ErrorsAsync);
        Route<DeadLettersApi>(services, TriggerTable.DeadLetters, api => api.ListAsync);
        Route<DeadLettersApi>(services, TriggerTable.DeadLettersReplay, api => api.ReplayAsync);
        Route<DeadLettersApi>(services, TriggerTable.DeadLetterDelete, api => api.DeleteAsync);
        Route<DeadLettersApi>(services, TriggerTable.PoisonMessages, api => api.PoisonListAsync);
        Route<DeadLettersApi>(services, TriggerTable.PoisonReplay, api => api.PoisonReplayAsync);
        Route<DeadLettersApi>(services, TriggerTable.PoisonDelete, api => api.PoisonDeleteAsync);
        Route<ResyncApi>(services, TriggerTable.Resync, api => api.HandleAsync);
        Route<OverviewApi>(services, TriggerTable.Overview, api => api.HandleAsync);
        Route<DashboardPage>(services, TriggerTable.Dashboard, page => page.HandleAsync);
        return services;
    }

    private static void Route<T>(IServiceCollection services, string name, Func<T, Func<HttpRequest, CancellationToken, Task<IResult>>> route) where T : notnull =>
        services.AddKeyedSingleton<IHttpFunction>(name, (sp, _) => new DelegateHttpFunction(route(sp.GetRequiredService<T>())));
}
