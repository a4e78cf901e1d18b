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

    public IReadOnlyList<string> TrustedHosts =>
        TrustedExtractHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
