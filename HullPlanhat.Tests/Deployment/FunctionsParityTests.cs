using System.Text.Json;
using System.Text.RegularExpressions;
using HullPlanhat.Core.Hosting;

namespace HullPlanhat.Tests.Deployment;

/// <summary>
/// HullPlanhat.Functions cannot be compiled here, so its source text is checked against the one
/// trigger table in Core: same function names, HTTP methods and routes, queues and schedule settings,
/// and each function dispatches to its own name.
/// </summary>
public sealed partial class FunctionsParityTests
{
    [Fact]
    public void Functions_source_matches_the_trigger_table()
    {
        var declared = ReadFunctionsSource();
        var problems = new List<string>();

        var expected = TriggerTable.All.ToDictionary(t => t.Name);
        foreach (var missing in expected.Keys.Except(declared.Keys).Order())
        {
            problems.Add($"{missing}: in TriggerTable.All but no [Function(\"{missing}\")] in HullPlanhat.Functions.");
        }

        foreach (var extra in declared.Keys.Except(expected.Keys).Order())
        {
            problems.Add($"{extra}: [Function(\"{extra}\")] in {declared[extra].File} is not in TriggerTable.All.");
        }

        foreach (var name in declared.Keys.Intersect(expected.Keys).Order())
        {
            problems.AddRange(Compare(expected[name], declared[name]));
        }

        Assert.True(problems.Count == 0,
            "HullPlanhat.Functions differs from HullPlanhat.Core.Hosting.TriggerTable:\n  - " + string.Join("\n  - ", problems));
    }

    [Fact]
    public void Functions_project_is_not_in_the_solution()
    {
        var solution = File.ReadAllText(RepositoryFiles.PathOf("HullPlanhat.sln"));
        Assert.DoesNotContain("HullPlanhat.Functions", solution);
    }

    [Fact]
    public void Host_json_serves_routes_at_the_root_and_reads_base64_queue_messages()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("host.json")));
        var extensions = host.RootElement.GetProperty("extensions");

        // Routes in TriggerTable have no "api/" prefix of their own making.
        Assert.Equal("", extensions.GetProperty("http").GetProperty("routePrefix").GetString());

        var queues = extensions.GetProperty("queues");
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
    }

    [Fact]
    public void Sample_settings_hold_every_schedule_setting()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");

        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        foreach (var timer in TriggerTable.All.Where(t => t.Kind == TriggerKind.Timer))
        {
            var key = timer.ScheduleSetting!.Replace(":", "__", StringComparison.Ordinal);
            Assert.True(values.TryGetProperty(key, out var cron), $"local.settings.sample.json has no {key}.");
            Assert.Equal(TriggerTable.DefaultSchedules[timer.ScheduleSetting], cron.GetString());
        }
    }

    private static IEnumerable<string> Compare(TriggerDefinition expected, DeclaredFunction actual)
    {
        var name = expected.Name;
        if (actual.Kind != expected.Kind)
        {
            yield return $"{name}: trigger is {Describe(actual.Kind)}, TriggerTable says {expected.Kind} ({actual.File}).";
            yield break;
        }

        if (actual.DispatchedKind != expected.Kind || actual.DispatchedName != name)
        {
            yield return $"{name}: body calls dispatcher.Invoke{actual.DispatchedKind}Async(TriggerTable.{actual.DispatchedName} …), expected Invoke{expected.Kind}Async(TriggerTable.{name} …) ({actual.File}).";
        }

        switch (expected.Kind)
        {
            case TriggerKind.Http:
                if (actual.Route != expected.Route)
                {
                    yield return $"{name}: Route = \"{actual.Route}\", TriggerTable says \"{expected.Route}\".";
                }

                var expectedMethods = (expected.Methods ?? []).Select(m => m.ToUpperInvariant()).Order().ToArray();
                var actualMethods = actual.Methods.Select(m => m.ToUpperInvariant()).Order().ToArray();
                if (!expectedMethods.SequenceEqual(actualMethods))
                {
                    yield return $"{name}: methods [{string.Join(", ", actualMethods)}], TriggerTable says [{string.Join(", ", expectedMethods)}].";
                }

                if (actual.AuthorizationLevel != "Anonymous")
                {
                    yield return $"{name}: AuthorizationLevel.{actual.AuthorizationLevel}; the connector authenticates itself, so it must be Anonymous.";
                }

                break;

            case TriggerKind.Queue:
                if (actual.Queue != expected.Queue)
                {
                    yield return $"{name}: queue \"{actual.Queue}\", TriggerTable says \"{expected.Queue}\".";
                }

                break;

            case TriggerKind.Timer:
                // App settings nest with "__" (Schedules__FlushOutbox); TriggerTable names the
                // configuration key (Schedules:FlushOutbox).
                var setting = actual.ScheduleSetting?.Replace("__", ":", StringComparison.Ordinal);
                if (setting != expected.ScheduleSetting)
                {
                    yield return $"{name}: schedule \"%{actual.ScheduleSetting}%\", TriggerTable says setting \"{expected.ScheduleSetting}\" (write it as \"%{expected.ScheduleSetting?.Replace(":", "__", StringComparison.Ordinal)}%\").";
                }

                break;
        }
    }

    private static string Describe(TriggerKind? kind) => kind?.ToString() ?? "missing or not recognised";

    private static Dictionary<string, DeclaredFunction> ReadFunctionsSource()
    {
        var directory = RepositoryFiles.PathOf("HullPlanhat.Functions");
        var functions = new Dictionary<string, DeclaredFunction>();
        foreach (var file in Directory.GetFiles(directory, "*.cs").Order())
        {
            var text = File.ReadAllText(file);
            var starts = FunctionAttribute().Matches(text);
            for (var i = 0; i < starts.Count; i++)
            {
                var end = i + 1 < starts.Count ? starts[i + 1].Index : text.Length;
                var body = text[starts[i].Index..end];
                var function = Parse(starts[i].Groups["name"].Value, Path.GetFileName(file), body);
                Assert.True(functions.TryAdd(function.Name, function),
                    $"[Function(\"{function.Name}\")] is declared twice (second in {function.File}).");
            }
        }

        Assert.NotEmpty(functions);
        return functions;
    }

    private static DeclaredFunction Parse(string name, string file, string body)
    {
        var function = new DeclaredFunction { Name = name, File = file };

        var dispatch = DispatchCall().Match(body);
        if (dispatch.Success)
        {
            function.DispatchedKind = Enum.Parse<TriggerKind>(dispatch.Groups["kind"].Value);
            function.DispatchedName = dispatch.Groups["name"].Value;
        }

        if (HttpTrigger().Match(body) is { Success: true } http)
        {
            function.Kind = TriggerKind.Http;
            function.AuthorizationLevel = http.Groups["level"].Value;
            function.Methods = http.Groups["method"].Captures.Select(c => c.Value).ToList();
            function.Route = http.Groups["route"].Value;
        }
        else if (QueueTrigger().Match(body) is { Success: true } queue)
        {
            function.Kind = TriggerKind.Queue;
            function.Queue = queue.Groups["queue"].Value;
        }
        else if (TimerTrigger().Match(body) is { Success: true } timer)
        {
            function.Kind = TriggerKind.Timer;
            function.ScheduleSetting = timer.Groups["setting"].Value;
        }

        return function;
    }

    [GeneratedRegex("""\[Function\(\s*"(?<name>[^"]+)"\s*\)\]""")]
    private static partial Regex FunctionAttribute();

    [GeneratedRegex("""\[HttpTrigger\(\s*AuthorizationLevel\.(?<level>\w+)\s*(?:,\s*"(?<method>[^"]+)"\s*)*,\s*Route\s*=\s*"(?<route>[^"]*)"\s*\)\]""")]
    private static partial Regex HttpTrigger();

    [GeneratedRegex("""\[QueueTrigger\(\s*"(?<queue>[^"]+)"\s*(?:,\s*Connection\s*=\s*"[^"]*"\s*)?\)\]""")]
    private static partial Regex QueueTrigger();

    [GeneratedRegex("""\[TimerTrigger\(\s*"%(?<setting>[^%"]+)%"\s*\)\]""")]
    private static partial Regex TimerTrigger();

    [GeneratedRegex("""Invoke(?<kind>Http|Queue|Timer)Async\(\s*TriggerTable\.(?<name>\w+)""")]
    private static partial Regex DispatchCall();

    private sealed class DeclaredFunction
    {
        public required string Name { get; init; }
        public required string File { get; init; }
        public TriggerKind? Kind { get; set; }
        public TriggerKind? DispatchedKind { get; set; }
        public string? DispatchedName { get; set; }
        public string? AuthorizationLevel { get; set; }
        public List<string> Methods { get; set; } = [];
        public string? Route { get; set; }
        public string? Queue { get; set; }
        public string? ScheduleSetting { get; set; }
    }
}
