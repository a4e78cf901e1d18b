using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Outgoing.Outbox;

public static class FlushDecisionsServiceCollectionExtensions
{
    /// <summary>The flusher decides what Planhat already has, for a chunk at once (issue 13, docs/scaling.md).</summary>
    public static IServiceCollection AddFlushDecisions(this IServiceCollection services) => services.AddSingleton<FlushTriage>();
}
