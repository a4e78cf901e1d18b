using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>A Hull connector as seen in notifications (<c>configuration</c> and <c>connector</c>).</summary>
public sealed record SandboxConnector(string Id, string Organization, string Secret, JsonObject PrivateSettings)
{
    public string Name { get; init; } = "Planhat (sandbox)";

    /// <summary>A connector with random 24-hex id, a random hex secret (36 characters unless told) and the given private settings.</summary>
    /// <param name="secretLength">Hull's secrets vary; jwt-simple signs with any length, so tests use short ones too.</param>
    public static SandboxConnector Create(JsonObject? privateSettings = null, string organization = "sandbox.hullapp.io", int secretLength = 36) =>
        new(
            Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)),
            organization,
            Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes((Math.Max(secretLength, 1) + 1) / 2))[..Math.Max(secretLength, 1)],
            privateSettings ?? []);

    public HullConnectorCredentials Credentials => new(Id, Organization, Secret);
}
