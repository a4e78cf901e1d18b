using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HullPlanhat.Benchmarks;

/// <summary>
/// The Sandbox in its own process, so the figures (memory above all) are the product's alone:
/// an in-process Sandbox would hold every seeded Planhat object in the measured heap.
/// </summary>
public sealed class SandboxProcess : IAsyncDisposable
{
    private readonly Process process;

    private SandboxProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<SandboxProcess> StartAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "HullPlanhat.Sandbox.dll");
        var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--port", $"{port}", "--rpm", "200"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                (await http.GetAsync(new Uri(baseAddress, "hull/public-key"))).EnsureSuccessStatusCode();
                return new SandboxProcess(process, baseAddress);
            }
            catch (HttpRequestException) when (attempt < 300 && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public long WorkingSetMiB()
    {
        process.Refresh();
        return process.WorkingSet64 / 1024 / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
