using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// <c>POST /api/preview</c> of N Hull users (one request, as an operator would send a segment's
/// sample), twice: against an empty Planhat (all <c>create</c>), then against a Planhat that holds all
/// N endusers, half of them with another name (<c>update</c> with the field, or <c>unchanged</c>).
/// Time is the whole request; Planhat calls are read from the Sandbox's call log (all must be GETs).
/// </summary>
public static class PreviewScenario
{
    private static JsonObject Mapping(string hull, string planhat) => new() { ["hull_field_name"] = hull, ["service_field_name"] = planhat };

    public static async Task RunAsync(ProductHost product, int count)
    {
        var bench = await BenchContext.CreateAsync(product, new JsonObject
        {
            ["account_synchronized_segments"] = new JsonArray("seg-accounts"),
            ["contact_synchronized_segments"] = new JsonArray("seg-users"),
            ["contact_attributes_outbound"] = new JsonArray(Mapping("name", "name"), Mapping("email", "email"), Mapping("external_id", "externalId")),
        });
        await bench.SendAsync(NotificationBuilder.AccountUpdate(bench.Connector, [])); // registers the connector
        var accounts = Enumerable.Range(0, 100).Select(a => new JsonObject { ["id"] = $"acc-{a}", ["external_id"] = $"acc-ext-{a}", ["name"] = $"Account {a}" }).ToArray();
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(Enumerable.Range(0, count).Select(i => (JsonNode)NotificationBuilder.UserMessage(
                new JsonObject { ["id"] = $"user-{i}", ["email"] = $"user{i}@bench.example", ["external_id"] = $"user-ext-{i}", ["name"] = $"User {i}" },
                accounts[i % accounts.Length],
                segments: [new JsonObject { ["id"] = "seg-users" }],
                accountSegments: [new JsonObject { ["id"] = "seg-accounts" }])).ToArray()),
        }.ToJsonString();

        await MeasureAsync(bench, body, count, $"Preview of {count:N0} users, empty Planhat");

        await product.SandboxAdmin.SeedAsync(bench.Token, ObjectKind.Endusers, Enumerable.Range(0, count).Select(i => new JsonObject
        {
            ["email"] = $"user{i}@bench.example", ["externalId"] = $"user-ext-{i}", ["name"] = i % 2 == 0 ? $"User {i}" : $"Renamed {i}",
        }));
        await MeasureAsync(bench, body, count, $"Preview of {count:N0} users, Planhat holds all {count:N0} (half renamed)");
    }

    private static async Task MeasureAsync(BenchContext bench, string body, int count, string title)
    {
        await bench.Product.SandboxAdmin.ResetCallsAsync(bench.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/preview?org={Uri.EscapeDataString(bench.Connector.Organization)}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{bench.Connector.Id}:{bench.Connector.Secret}")));
        var time = Stopwatch.StartNew();
        using var response = await bench.Product.Http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        time.Stop();
        response.EnsureSuccessStatusCode();

        var calls = await bench.CallsAsync();
        var figures = new Figures(title);
        figures.Add("request (wall time)", time.Elapsed);
        figures.Add("users/s", $"{count / time.Elapsed.TotalSeconds:F0}");
        figures.Add("decisions", string.Join(", ", answer["summary"]!.AsObject().Select(d => $"{d.Key} {d.Value}")));
        figures.Add("Planhat calls", $"{calls.Count} ({string.Join(", ", calls.GroupBy(c => $"{c.Method} {c.Path}").Select(g => $"{g.Key} ×{g.Count()}"))}); reported {answer["planhatCalls"]}");
        figures.Add("Planhat writes", calls.Count(c => c.Method != "GET").ToString(System.Globalization.CultureInfo.InvariantCulture));
        figures.Add("answer size", $"{Encoding.UTF8.GetByteCount(answer.ToJsonString()) / 1024} KiB");
        figures.Print();
    }
}
