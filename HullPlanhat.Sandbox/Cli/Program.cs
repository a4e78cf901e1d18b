using Spectre.Console;

namespace HullPlanhat.Sandbox.Cli;

/// <summary>
/// <c>dotnet run --project HullPlanhat.Sandbox -- [--port 5100] [--rpm 200]</c> runs the sandbox;
/// <c>... -- replay --sandbox URL --connector-url URL [--token T] --file notification.json [--wait 60] [--cwd DIR]</c> replays a notification.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            return args.FirstOrDefault() == "replay"
                ? await ReplayCommand.RunAsync(new CliArgs(args.Skip(1)))
                : await ServeCommand.RunAsync(new CliArgs(args));
        }
        catch (Exception ex) when (ex is ArgumentException or HttpRequestException or IOException or FormatException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return 2;
        }
    }
}
