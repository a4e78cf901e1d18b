namespace HullPlanhat.Core.TwoWay;

/// <summary>Configuration section <c>TwoWay</c>.</summary>
public sealed class TwoWayOptions
{
    /// <summary>
    /// How far Planhat's clock may run ahead of ours: an object this connector created counts as its
    /// own write while Planhat's <c>updatedAt</c> is no later than the write plus this.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);
}
