using System.ComponentModel.DataAnnotations;

namespace HullPlanhat.Core.Hull;

/// <summary>Configuration section <c>Hull</c>.</summary>
public sealed class HullOptions
{
    /// <summary>Only the Sandbox and tests turn this off.</summary>
    public bool VerifySignature { get; set; } = true;

    /// <summary>Comma-separated hosts (and their subdomains) allowed to serve the signing key.</summary>
    [Required]
    public string TrustedKeyHosts { get; set; } = "hullapp.io,hull.io";

    /// <summary>
    /// Comma-separated Hull domains a connector's organization must be (or be under) before its
    /// credentials are checked with, and its data sent to, that organization.
    /// </summary>
    [Required]
    public string TrustedOrganizationHosts { get; set; } = "hullapp.io,hull.io";

    /// <summary>Overrides <c>https://firehose.&lt;org domain&gt;</c> (tests, Sandbox).</summary>
    public Uri? FirehoseUrl { get; set; }

    /// <summary>Largest notification body accepted; Hull's own ceiling is 20 MB.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxBodyBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// Messages a notification may carry to be split before Hull is answered; a larger one is stored
    /// as one claim check and split by <c>SplitNotification</c>, so the answer does not wait on one
    /// queue send per object.
    /// </summary>
    [Range(0, 10_000)]
    public int InlineSplitLimit { get; set; } = DefaultInlineSplitLimit;

    public const int DefaultInlineSplitLimit = 200;

    /// <summary>Entries per firehose POST.</summary>
    [Range(1, 100)]
    public int FirehoseBatchSize { get; set; } = 100;

    /// <summary>Firehose POSTs of one page in flight at once (Hull's own client does not wait for one batch before the next).</summary>
    [Range(1, 16)]
    public int FirehoseConcurrency { get; set; } = 4;

    public IReadOnlyList<string> TrustedHosts =>
        TrustedKeyHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> TrustedOrganizations =>
        TrustedOrganizationHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
