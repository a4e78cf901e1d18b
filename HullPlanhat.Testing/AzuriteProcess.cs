using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HullPlanhat.Testing;

/// <summary>
/// Azure Storage for the tests: the emulator named by <c>HULLPLANHAT_TEST_STORAGE</c> (CI starts
/// one), else a private in-memory Azurite from node_modules on free loopback ports.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? azurite;
    private int[] ports = [];
    private string? location;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The CPU time the emulator's process has used so far; null when it is not one this process started.</summary>
    public TimeSpan? ProcessorTime
    {
        get
        {
            try
            {
                return azurite is { HasExited: false } process ? Process.GetProcessById(process.Id).TotalProcessorTime : null;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                return null;
            }
        }
    }

    /// <param name="privateInstance">
    /// Always start a private Azurite, even when CI names a shared one: for a host that must be
    /// the only reader of the product's fixed queue names and the only flusher of its outbox.
    /// </param>
    /// <param name="onDisk">
    /// Keep the data in a temporary folder instead of memory, so <see cref="StopAsync"/> and
    /// <see cref="LaunchAsync"/> act as a storage outage that loses nothing (implies a private instance).
    /// </param>
    public static async Task<AzuriteProcess> StartAsync(bool privateInstance = false, bool onDisk = false)
    {
        var fixture = new AzuriteProcess();
        privateInstance |= onDisk;
        if (onDisk)
        {
            fixture.location = Directory.CreateTempSubdirectory("hullplanhat-azurite-").FullName;
        }

        if (!privateInstance && Environment.GetEnvironmentVariable("HULLPLANHAT_TEST_STORAGE") is { Length: > 0 } external)
        {
            fixture.ConnectionString = external;
            return fixture;
        }

        fixture.ReservePorts();
        await fixture.LaunchAsync();
        return fixture;
    }

    /// <summary>
    /// A private Azurite on fixed free ports that is not started yet: its connection string is known
    /// now, <see cref="LaunchAsync"/> starts it later (a host that starts before its storage).
    /// </summary>
    public static AzuriteProcess Reserve()
    {
        var fixture = new AzuriteProcess();
        fixture.ReservePorts();
        return fixture;
    }

    /// <summary>Starts the Azurite whose ports <see cref="Reserve"/> chose (again, after <see cref="StopAsync"/>).</summary>
    public async Task LaunchAsync()
    {
        var script = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script}). Run 'npm ci' in {RepoPaths.Root} (./build.sh test does it).");
        }

        // In memory, five of Azurite's costs that Azure does not have (extent GC, index upkeep, queries that scan every row, replaces that move the table) stall it under load (see the script).
        string[] preload = location is null ? ["-r", Path.Combine(RepoPaths.Root, "eng", "azurite-patches.cjs")] : [];
        // For profiling the emulator under a benchmark, e.g. "--prof --logfile=/tmp/azurite-v8.log" (see docs/scaling.md).
        var nodeArgs = (Environment.GetEnvironmentVariable("HULLPLANHAT_AZURITE_NODE_ARGS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        azurite = Process.Start(new ProcessStartInfo("node",
            [.. nodeArgs, .. preload, script, "--silent", .. (location is null ? new[] { "--inMemoryPersistence" } : new[] { "--location", location }), "--skipApiVersionCheck", "--disableTelemetry",
             "--blobHost", "127.0.0.1", "--blobPort", $"{ports[0]}", "--queueHost", "127.0.0.1", "--queuePort", $"{ports[1]}",
             "--tableHost", "127.0.0.1", "--tablePort", $"{ports[2]}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        azurite.OutputDataReceived += (_, _) => { };
        azurite.ErrorDataReceived += (_, _) => { };
        azurite.BeginOutputReadLine();
        azurite.BeginErrorReadLine();
        await WaitForPortsAsync(ports);
    }

    private void ReservePorts()
    {
        ports = [FreePort(), FreePort(), FreePort()];
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;";
    }

    /// <summary>
    /// Stops Azurite as an outage would, its ports closed: gracefully (SIGTERM), so an on-disk
    /// instance has written everything it acknowledged (Azure Storage loses nothing in an outage).
    /// </summary>
    public async Task StopAsync()
    {
        if (azurite is not { HasExited: false } running)
        {
            return;
        }

        using (var signal = Process.Start("kill", ["-TERM", running.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await running.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }

        running.Dispose();
        azurite = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (azurite is { HasExited: false })
        {
            azurite.Kill(entireProcessTree: true);
            await azurite.WaitForExitAsync();
        }

        azurite?.Dispose();
        azurite = null;
        if (location is not null)
        {
            try
            {
                Directory.Delete(location, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder: the system cleans it up eventually.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitForPortsAsync(params int[] ports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120); // node starts slowly on a busy machine (CI shares it with the build)
        foreach (var port in ports)
        {
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline && azurite is not { HasExited: true })
                {
                    await Task.Delay(100);
                }
            }
        }
    }
}
