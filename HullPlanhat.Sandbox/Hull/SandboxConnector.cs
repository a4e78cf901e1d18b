using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>A Hull connector as seen in notifications (<c>configuration</c> and <c>connector</c>).</summary>
public sealed record SandboxConnector(string Id, string Organization, string Secret, JsonObject PrivateSettings)
{
    public string Name { get; init; } = "Planhat (sandbox)";

    /// <summary>A connector with random 24-hex id, a 36-character secret and the given private settings.</summary>
    public static SandboxConnector Create(JsonObject? privateSettings = null, string organization = "sandbox.hullapp.io") =>
        new(
            Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)),
            organization,
            Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)),
            privateSettings ?? []);

    public HullConnectorCredentials Credentials => new(Id, Organization, Secret);
}
