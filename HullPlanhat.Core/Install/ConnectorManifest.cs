using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Install;

/// <summary>
/// The connector's <c>manifest.json</c> and readme, as Hull installs the connector from them
/// (hull-protocol.md §3.1). Both are embedded in the assembly, next to this file in the source.
/// </summary>
public static class ConnectorManifest
{
    private static readonly Lazy<byte[]> ManifestBytes = new(() => Read("manifest.json"));
    private static readonly Lazy<byte[]> ReadmeBytes = new(() => Read("readme.md"));

    public static ReadOnlyMemory<byte> Json => ManifestBytes.Value;

    public static ReadOnlyMemory<byte> Readme => ReadmeBytes.Value;

    public static JsonObject Parse() => (JsonObject)JsonNode.Parse(ManifestBytes.Value)!;

    /// <summary>The <c>private_settings</c> that hold a value (<c>title</c> entries are headings only).</summary>
    public static IReadOnlyList<JsonObject> ValueSettings() =>
        [.. Parse()["private_settings"]!.AsArray().OfType<JsonObject>().Where(s => s["format"]?.GetValue<string>() != "title")];

    private static byte[] Read(string name)
    {
        using var stream = typeof(ConnectorManifest).Assembly.GetManifestResourceStream("HullPlanhat.Core.Install." + name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
