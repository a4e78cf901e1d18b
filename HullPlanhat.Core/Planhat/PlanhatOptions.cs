using System.ComponentModel.DataAnnotations;

namespace HullPlanhat.Core.Planhat;

/// <summary>Configuration section <c>Planhat</c>.</summary>
public sealed class PlanhatOptions
{
    /// <summary>Overrides <c>https://{api_prefix}.planhat.com</c> (tests, Sandbox).</summary>
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>Overrides <c>https://analytics.planhat.com</c>.</summary>
    public Uri? AnalyticsBaseUrl { get; set; }

    /// <summary>The budget of one Planhat token, shared by every caller on every instance (Planhat allows ~200/min).</summary>
    [Range(1, 100_000)]
    public int RequestsPerMinute { get; set; } = 200;

    /// <summary>Retries of one call on 429, 5xx and timeouts, with exponential backoff and jitter.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 6;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Objects per bulk upsert call; Planhat accepts at most 5,000.</summary>
    [Range(1, 5000)]
    public int BulkChunkSize { get; set; } = 5000;
}
