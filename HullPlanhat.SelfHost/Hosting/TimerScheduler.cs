using Cronos;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Logging;

namespace HullPlanhat.SelfHost.Hosting;

/// <summary>
/// Runs a timer function on its cron schedule (six fields, seconds first, read from the
/// function's setting), under its <see cref="FunctionLock"/>. <c>AzureWebJobs:{Name}:Disabled</c>
/// turns the schedule off, as on Azure; the admin endpoint still runs it.
/// </summary>
public sealed class TimerScheduler(
    TriggerDefinition function,
    IConfiguration configuration,
    FunctionLock functionLock,
    StorageAvailability availability,
    FunctionDispatcher dispatcher,
    TimeProvider clock,
    ILogger<TimerScheduler> logger) : BackgroundService
{
    /// <summary>The function this service runs.</summary>
    public TriggerDefinition Function => function;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration.GetValue<bool>($"AzureWebJobs:{function.Name}:Disabled"))
        {
            logger.LogInformation("Timer {Function} is disabled by configuration.", function.Name);
            return;
        }

        var expression = configuration[function.ScheduleSetting!] ?? TriggerTable.DefaultSchedules[function.ScheduleSetting!];
        var schedule = CronExpression.Parse(expression, CronFormat.IncludeSeconds);
        await availability.WaitAsync(stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = schedule.GetNextOccurrence(clock.GetUtcNow(), TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            await Task.Delay(next.Value - clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero, clock, stoppingToken);
            try
            {
                // An occurrence that finds the lock taken, or already run by another instance, is skipped, as on Azure.
                var occurrence = next.Value;
                await functionLock.RunExclusiveAsync(function.Name, TimeSpan.Zero, ct =>
                {
                    logger.TimerRun(function.Name, occurrence);
                    return dispatcher.InvokeTimerAsync(function.Name, ct);
                }, stoppingToken, occurrence);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.FunctionFailed(e, function.Name, e.Message);
            }
        }
    }
}
