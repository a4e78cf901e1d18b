using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HullPlanhat.Testing;

/// <summary>
/// The SelfHost as <c>./build.sh run</c> starts it: its own process, configured by environment
/// variables, its console (the JSON log lines) captured line by line.
/// </summary>
public sealed class SelfHostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private SelfHostProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>True once the process ended (killed, or crashed).</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Every line the host wrote to stdout so far.</summary>
    public IReadOnlyList<string> Lines => lines.ToArray();

    /// <param name="environment">Settings as environment variables (<c>Planhat__ApiBaseUrl</c>…).</param>
    public static async Task<SelfHostProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HullPlanhat.SelfHost.dll"), "--urls", baseAddress.ToString().TrimEnd('/')])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var host = new SelfHostProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                host.lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                host.lines.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(baseAddress, "health"));
                if (response.IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException) when (attempt < 600 && !process.HasExited)
            {
            }

            if (process.HasExited || attempt >= 600)
            {
                await host.DisposeAsync();
                throw new InvalidOperationException("The SelfHost did not become healthy:" + Environment.NewLine + string.Join(Environment.NewLine, host.Lines.TakeLast(20)));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Ends the host at once, as <c>kill -9</c> does: no shutdown, no lease released, messages in flight left hidden.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true); // SIGKILL on Linux and macOS
            await process.WaitForExitAsync();
        }
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
