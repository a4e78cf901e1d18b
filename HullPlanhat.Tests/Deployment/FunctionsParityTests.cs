using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;

namespace HullPlanhat.Tests.Deployment;

/// <summary>
/// The Functions app's triggers, as the Azure Functions host reads them — the functions.metadata
/// the Worker SDK generates at build — against the one trigger table in Core, both ways.
/// </summary>
public sealed class FunctionsParityTests
{
    /// <summary>
    /// The Worker SDK copies functions.metadata to the output of every project that references the
    /// app, so this is the file of the HullPlanhat.Functions build these tests were built with.
    /// </summary>
    private static readonly Lazy<Dictionary<string, JsonObject>> Metadata = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Worker SDK writes it when HullPlanhat.Functions builds.");
        var functions = JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(f => f!.AsObject()).ToList();
        Assert.All(functions, f => Assert.Equal("HullPlanhat.Functions.dll", f["scriptFile"]!.ToString()));
        return functions.ToDictionary(f => f["name"]!.ToString());
    });

    public static TheoryData<string> TableFunctions => new(TriggerTable.All.Select(t => t.Name));

    [Fact]
    public void Generated_metadata_names_exactly_the_functions_of_the_trigger_table()
    {
        var generated = Metadata.Value.Keys.Order().ToList();
        var table = TriggerTable.All.Select(t => t.Name).Order().ToList();
        Assert.True(generated.SequenceEqual(table),
            $"Only in functions.metadata: [{string.Join(", ", generated.Except(table))}]; only in TriggerTable.All: [{string.Join(", ", table.Except(generated))}].");
    }

    [Theory]
    [MemberData(nameof(TableFunctions))]
    public void Generated_trigger_binding_equals_the_trigger_table_row(string name)
    {
        var expected = TriggerTable.Get(name);
        Assert.True(Metadata.Value.TryGetValue(name, out var function), $"functions.metadata has no function {name}.");
        var triggers = function!["bindings"]!.AsArray().Select(b => b!.AsObject())
            .Where(b => b["type"]!.ToString().EndsWith("Trigger", StringComparison.Ordinal)).ToList();
        var trigger = Assert.Single(triggers);

        var actual = new
        {
            Type = trigger["type"]!.ToString(),
            AuthLevel = trigger["authLevel"]?.ToString(),
            Methods = trigger["methods"]?.AsArray().Select(m => m!.ToString().ToUpperInvariant()).Order().ToArray(),
            Route = trigger["route"]?.ToString(),
            Queue = trigger["queueName"]?.ToString(),
            Connection = trigger["connection"]?.ToString(),
            Schedule = trigger["schedule"]?.ToString(),
        };
        var wanted = new
        {
            Type = expected.Kind switch
            {
                TriggerKind.Http => "httpTrigger",
                TriggerKind.Queue => "queueTrigger",
                _ => "timerTrigger",
            },
            AuthLevel = expected.AuthLevel,
            Methods = expected.Methods?.Select(m => m.ToUpperInvariant()).Order().ToArray(),
            Route = expected.Route,
            Queue = expected.Queue,
            Connection = expected.QueueConnection,
            // App settings nest with "__"; the table names the configuration key (Schedules:FlushOutbox).
            Schedule = expected.ScheduleSetting is { } setting ? $"%{setting.Replace(":", "__", StringComparison.Ordinal)}%" : null,
        };
        Assert.Equivalent(wanted, actual, strict: true);
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
}
