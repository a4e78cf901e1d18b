namespace HullPlanhat.Core.TwoWay;

/// <summary>Configuration section <c>TwoWay</c>.</summary>
public sealed class TwoWayOptions
{
    /// <summary>
    /// How far Planhat's clock may run ahead of ours: an object this connector created counts as its
    /// own write while Planhat's <c>updatedAt</c> is no later than the write plus this.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a webhook's record waits on the queue before it is read from Planhat. Planhat calls the
    /// webhook for this connector's own writes too; the flush records each write right after Planhat
    /// answers, and this delay makes sure it has when the webhook's record is compared.
    /// </summary>
    public TimeSpan WebhookDelay { get; set; } = TimeSpan.FromSeconds(2);
}
