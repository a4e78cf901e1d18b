using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HullPlanhat.Tests.Deployment;

/// <summary>
/// Compiles infra/ with the real bicep binary from the Azure.Bicep.CommandLine.linux-x64 package
/// and fails on any error or linter warning (bicep exits 0 on warnings, so its output is read).
/// </summary>
public sealed partial class BicepTests
{
    private const string PackageId = "Azure.Bicep.CommandLine.linux-x64";

    [Fact]
    public void Main_bicep_builds_without_errors_or_warnings()
    {
        if (!IsLinuxX64())
        {
            return; // the package ships a linux-x64 binary only
        }

        var result = RunBicep("build", RepositoryFiles.PathOf("infra", "main.bicep"), "--stdout");

        AssertClean("bicep build", result);
        using var template = JsonDocument.Parse(result.StandardOutput);
        Assert.True(template.RootElement.TryGetProperty("resources", out _), "bicep build produced no ARM template.");
    }

    [Fact]
    public void Main_bicep_passes_the_linter()
    {
        if (!IsLinuxX64())
        {
            return;
        }

        AssertClean("bicep lint", RunBicep("lint", RepositoryFiles.PathOf("infra", "main.bicep")));
    }

    [Fact]
    public void Key_vault_wraps_the_data_protection_keys_and_only_the_app_identity_may_wrap_and_unwrap()
    {
        if (!IsLinuxX64())
        {
            return;
        }

        var result = RunBicep("build", RepositoryFiles.PathOf("infra", "app", "keyvault.bicep"), "--stdout");
        AssertClean("bicep build keyvault", result);
        using var template = JsonDocument.Parse(result.StandardOutput);
        var resources = Resources(template.RootElement).ToList();

        var vault = resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.KeyVault/vaults").GetProperty("properties");
        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.GetProperty("enablePurgeProtection").GetBoolean());
        var key = resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.KeyVault/vaults/keys").GetProperty("properties");
        Assert.Equal(["unwrapKey", "wrapKey"], key.GetProperty("keyOps").EnumerateArray().Select(o => o.GetString()).Order());
        var grant = resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments").GetProperty("properties");
        Assert.Contains("cryptoServiceEncryptionUser", grant.GetProperty("roleDefinitionId").GetString());
        Assert.Equal("e147488a-f6f5-4113-8e2d-b22465e65bf6", template.RootElement.GetProperty("variables").GetProperty("cryptoServiceEncryptionUser").GetString()); // Crypto Service Encryption User
        Assert.Contains("identityPrincipalId", grant.GetProperty("principalId").GetString());

        var main = RunBicep("build", RepositoryFiles.PathOf("infra", "main.bicep"), "--stdout");
        Assert.Contains("DataProtection__KeyVaultKeyId", main.StandardOutput);
        Assert.Contains("outputs.keyUri.value", main.StandardOutput, StringComparison.Ordinal);
    }

    // Resources of an ARM template: an array, or (language version 2.0) an object keyed by symbolic name.
    private static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray() : resources.EnumerateObject().Select(p => p.Value);
    }

    private static void AssertClean(string what, BicepResult result)
    {
        var diagnostics = (result.StandardError + "\n" + result.StandardOutput)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => DiagnosticLine().IsMatch(line))
            .ToList();

        Assert.True(
            result.ExitCode == 0 && diagnostics.Count == 0,
            $"{what} exited {result.ExitCode} with {diagnostics.Count} diagnostic(s):\n" +
            string.Join('\n', diagnostics) +
            (result.ExitCode != 0 ? "\n" + result.StandardError : ""));
    }

    private static BicepResult RunBicep(params string[] arguments)
    {
        var start = new ProcessStartInfo(LocateBicep())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryFiles.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry and no update check from a test run.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }

        return new BicepResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>
    /// NuGet packages folder / azure.bicep.commandline.linux-x64 / version / tools / bicep, with the
    /// version pinned in Directory.Packages.props (else the highest one restored).
    /// </summary>
    private static string LocateBicep()
    {
        var packagesRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packagesRoot))
        {
            packagesRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var packageDir = Path.Combine(packagesRoot, PackageId.ToLowerInvariant());
        var version = PinnedVersion();
        var versionDir = version is not null && Directory.Exists(Path.Combine(packageDir, version))
            ? Path.Combine(packageDir, version)
            : Directory.Exists(packageDir)
                ? Directory.GetDirectories(packageDir).OrderByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version()).FirstOrDefault()
                : null;

        var binary = versionDir is null ? null : Path.Combine(versionDir, "tools", "bicep");
        if (binary is null || !File.Exists(binary))
        {
            throw new FileNotFoundException(
                $"The bicep binary was not found under '{packageDir}'. Is <PackageReference Include=\"{PackageId}\" /> in the test project, and was it restored?");
        }

        // Some package extractions drop the execute bit.
        if (OperatingSystem.IsLinux() && (File.GetUnixFileMode(binary) & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(
                binary,
                File.GetUnixFileMode(binary) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return binary;
    }

    private static string? PinnedVersion()
    {
        var props = RepositoryFiles.PathOf("Directory.Packages.props");
        if (!File.Exists(props))
        {
            return null;
        }

        var match = Regex.Match(File.ReadAllText(props), $"Include=\"{Regex.Escape(PackageId)}\"\\s+Version=\"([^\"]+)\"", RegexOptions.IgnoreCase);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static bool IsLinuxX64() =>
        OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64;

    // e.g. "/repo/infra/main.bicep(12,7) : Warning no-unused-params: …" or "… : Error BCP057: …"
    [GeneratedRegex(@"\)\s*:\s*(Warning|Error)\s", RegexOptions.IgnoreCase)]
    private static partial Regex DiagnosticLine();

    private sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError);
}
