using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Testing;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.Operations;

/// <summary><c>./build.sh ops</c> (eng/ops.sh): the operator actions a user would rather type, against the running SelfHost.</summary>
[Collection(ProductCollection.Name)]
public sealed class OpsCommandTests(ProductFixture product)
{
    [Fact]
    public async Task Ops_commands_call_the_authenticated_API_without_putting_the_secret_on_the_command_line()
    {
        var connector = await product.KnownConnectorAsync();
        await product.SyncAccountsAsync(connector, TestUsers.Account("ops-cli-1"));

        var overview = JsonNode.Parse(await OpsAsync(connector, "overview"))!;
        Assert.Equal(connector.Id, overview["connector"]!["id"]!.ToString());
        var runs = JsonNode.Parse(await OpsAsync(connector, "runs", "5"))!;
        Assert.Equal(1, Assert.Single(runs["runs"]!.AsArray())!["created"]!.GetValue<long>());

        // Paging: the token holds characters a URL must escape (spaces, '=').
        await product.SyncAccountsAsync(connector, TestUsers.Account("ops-cli-3"));
        var first = JsonNode.Parse(await OpsAsync(connector, "runs", "1"))!;
        var next = first["next"]!.ToString();
        var second = JsonNode.Parse(await OpsAsync(connector, "runs", "1", next))!;
        Assert.NotEqual(first["runs"]![0]!["id"]!.ToString(), Assert.Single(second["runs"]!.AsArray())!["id"]!.ToString());

        var resync = JsonNode.Parse(await OpsAsync(connector, "resync", "accounts", "hull-ops-cli-1"))!;
        Assert.Equal(1, resync["forgotten"]!["accounts"]!.GetValue<int>());
        Assert.Empty(JsonNode.Parse(await OpsAsync(connector, "deadletters"))!["deadLetters"]!.AsArray());

        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, new JsonObject { ["messages"] = new JsonArray(TestConnector.AccountMessage(TestUsers.Account("ops-cli-2"))) }.ToJsonString());
            var preview = JsonNode.Parse(await OpsAsync(connector, "preview", file))!;
            Assert.Equal("create", preview["objects"]![0]!["decision"]!.ToString());
        }
        finally
        {
            File.Delete(file);
        }

        // A wrong secret: curl fails, and the answer names no secret.
        var (status, output) = await RunAsync(connector, "wrong-secret-123", "runs");
        Assert.NotEqual(0, status);
        Assert.DoesNotContain("wrong-secret-123", output);
    }

    private async Task<string> OpsAsync(TestConnector connector, params string[] args)
    {
        var (status, output) = await RunAsync(connector, connector.Hull.Secret, args);
        Assert.True(status == 0, $"eng/ops.sh {string.Join(' ', args)} exited {status}: {output}");
        return output;
    }

    private async Task<(int Status, string Output)> RunAsync(TestConnector connector, string secret, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "eng", "ops.sh"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HULLPLANHAT_URL"] = product.BaseAddress.ToString();
        start.Environment["HULLPLANHAT_ORG"] = connector.Hull.Organization;
        start.Environment["HULLPLANHAT_ID"] = connector.Id;
        start.Environment["HULLPLANHAT_SECRET"] = secret;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
