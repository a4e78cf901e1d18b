using HullPlanhat.Core.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Hosting;

/// <summary>
/// Work an HTTP function starts after answering (Hull wants its answer at once): runs until done or
/// until the host stops, and a failure is logged, never lost in an unobserved task.
/// </summary>
public sealed class BackgroundWork(IHostApplicationLifetime lifetime, ILogger<BackgroundWork> logger)
{
    public void Start(string what, Func<CancellationToken, Task> work)
    {
        var stopping = lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            try
            {
                await work(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.BackgroundWorkFailed(e, what, e.Message);
            }
        }, CancellationToken.None);
    }
}
