namespace HullPlanhat.Core.Batch;

/// <summary>Configuration section <c>Hull</c>, the keys of batch extracts.</summary>
public sealed class ExtractOptions
{
    /// <summary>
    /// Comma-separated hosts (and their subdomains) a batch extract may be downloaded from; the URL
    /// arrives in the request body, so anything else is refused unfetched. Tests add <c>127.0.0.1</c>.
    /// </summary>
    public string TrustedExtractHosts { get; set; } = "hullapp.io,hull.io";

    /// <summary>Lines one <c>ImportExtract</c> invocation enqueues before it hands the job on (well inside a function's time limit).</summary>
    public int ExtractLinesPerChunk { get; set; } = 5_000;

    /// <summary>
    /// How long one invocation waits for the per-object queues to fall below <c>Hull:FlowControl:BackPressureDepth</c>
    /// before enqueuing its chunk; past it the job is handed on to a later message, so the queues stay shallow.
    /// </summary>
    public TimeSpan ExtractBackPressureWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the handed-on message stays invisible when the queues were still deep.</summary>
    public TimeSpan ExtractBackPressureRetry { get; set; } = TimeSpan.FromSeconds(15);

    public IReadOnlyList<string> TrustedHosts =>
        TrustedExtractHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
