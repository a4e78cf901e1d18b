using System.ComponentModel.DataAnnotations;

namespace HullPlanhat.Core.Incoming;

/// <summary>Configuration section <c>Incoming</c>.</summary>
public sealed class IncomingOptions
{
    /// <summary>Objects per Planhat list call: the largest Planhat accepts (it clamps larger values).</summary>
    [Range(1, 5000)]
    public int PageSize { get; set; } = 5000;

    /// <summary>A running job whose heartbeat is older than this is taken to be dead and resumed.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a running job proves it is alive (besides its checkpoints).</summary>
    public TimeSpan HeartbeatEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connectors imported at the same time (each has its own Planhat budget).</summary>
    [Range(1, 64)]
    public int ConnectorParallelism { get; set; } = 4;
}
