namespace HullPlanhat.Core.Status;

/// <summary>Hull's REST API, read from configuration section <c>Hull</c>.</summary>
public sealed class HullApiOptions
{
    /// <summary>Overrides <c>https://&lt;organization&gt;/api/v1/</c> (tests, Sandbox); the connector id and path are appended.</summary>
    public Uri? ApiBaseUrl { get; set; }
}
