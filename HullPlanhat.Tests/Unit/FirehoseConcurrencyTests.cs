using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Tests.Unit;

/// <summary>
/// <see cref="HullFirehoseClient.SendGroupsAsync"/> keeps several POSTs in flight, as Hull's own
/// client does, and still reports exactly the groups Hull accepted.
/// </summary>
public sealed class FirehoseConcurrencyTests
{
    private static readonly ConnectorRecord Connector = new("connector-1", "org.hullapp.io", "secret", null, [], DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Batches_go_out_up_to_the_configured_concurrency_and_all_are_accepted()
    {
        var firehose = new RecordingFirehose(failArrival: null);

        var delivery = await Client(firehose, concurrency: 4).SendGroupsAsync(Connector, Groups(1000), CancellationToken.None);

        Assert.Null(delivery.Error);
        Assert.All(delivery.Accepted, Assert.True);
        Assert.Equal(10, delivery.Requests);
        Assert.Equal(4, firehose.MaxInFlight);
        Assert.Equal(Enumerable.Range(0, 1000), firehose.Received.Order());
    }

    [Fact]
    public async Task After_a_failed_POST_none_starts_and_only_what_Hull_answered_200_counts_as_accepted()
    {
        var firehose = new RecordingFirehose(failArrival: 2);

        var delivery = await Client(firehose, concurrency: 4).SendGroupsAsync(Connector, Groups(1000), CancellationToken.None);

        Assert.NotNull(delivery.Error);
        Assert.InRange(delivery.Requests, 2, 4);
        Assert.Equal(firehose.Arrivals, delivery.Requests);
        var accepted = Enumerable.Range(0, 1000).Where(i => delivery.Accepted[i]).ToList();
        Assert.Equal(firehose.Received.Order(), accepted);
        Assert.InRange(accepted.Count, 100, 300);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    public async Task A_group_Hull_refuses_on_its_own_is_found_in_a_few_posts_and_every_other_group_is_accepted(HttpStatusCode refusal)
    {
        var firehose = new RecordingFirehose(failArrival: null) { Refuse = (537, refusal) };

        var delivery = await Client(firehose, concurrency: 4).SendGroupsAsync(Connector, Groups(1000), CancellationToken.None);

        Assert.Null(delivery.Error);
        Assert.Equal([537], Enumerable.Range(0, 1000).Where(i => delivery.Refused[i] is not null));
        Assert.Contains(((int)refusal).ToString(System.Globalization.CultureInfo.InvariantCulture), delivery.Refused[537], StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 1000).Where(i => i != 537), Enumerable.Range(0, 1000).Where(i => delivery.Accepted[i]));
        Assert.Equal(Enumerable.Range(0, 1000).Where(i => i != 537), firehose.Received.Order());
        Assert.InRange(delivery.Requests, 11, 10 + (2 * 7)); // the batch of 100 halved down to one group: two posts a level
    }

    [Fact]
    public async Task Refused_credentials_are_not_split_but_end_the_call()
    {
        var firehose = new RecordingFirehose(failArrival: null) { Refuse = (537, HttpStatusCode.Unauthorized) };

        var delivery = await Client(firehose, concurrency: 1).SendGroupsAsync(Connector, Groups(1000), CancellationToken.None);

        Assert.Contains("401", delivery.Error, StringComparison.Ordinal);
        Assert.All(delivery.Refused, Assert.Null);
        Assert.Equal(6, delivery.Requests);
        Assert.Equal(500, delivery.Accepted.Count(a => a));
    }

    private static IReadOnlyList<IReadOnlyList<FirehoseEntry>> Groups(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (IReadOnlyList<FirehoseEntry>)[FirehoseEntry.UserTraits(new JsonObject { ["external_id"] = $"u{i}" }, new JsonObject { ["i"] = i })])];

    private static HullFirehoseClient Client(RecordingFirehose firehose, int concurrency) => new(
        new HttpClient(firehose),
        new FirehoseTokenFactory(TimeProvider.System),
        Options.Create(new HullOptions { FirehoseUrl = new Uri("http://127.0.0.1:9/firehose"), FirehoseConcurrency = concurrency }),
        TimeProvider.System,
        new ProductMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

    /// <summary>A firehose that answers 200 after a short delay, or 503 at once to the given arrival, or <see cref="Refuse"/>'s status to a batch holding its entry.</summary>
    private sealed class RecordingFirehose(int? failArrival) : HttpMessageHandler
    {
        public (int Entry, HttpStatusCode Status)? Refuse { get; init; }

        private int inFlight;
        private int arrivals;
        private readonly object gate = new();

        public int MaxInFlight { get; private set; }

        public int Arrivals => arrivals;

        public List<int> Received { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var arrival = Interlocked.Increment(ref arrivals);
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
            if (arrival == failArrival)
            {
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("down") };
            }

            if (Refuse is { } refuse && body["batch"]!.AsArray().Any(e => e!["body"]!["i"]!.GetValue<int>() == refuse.Entry))
            {
                return new HttpResponseMessage(refuse.Status) { Content = new StringContent("refused") };
            }

            lock (gate)
            {
                MaxInFlight = Math.Max(MaxInFlight, ++inFlight);
            }

            await Task.Delay(100, cancellationToken);
            lock (gate)
            {
                inFlight--;
                Received.AddRange(body["batch"]!.AsArray().Select(e => e!["body"]!["i"]!.GetValue<int>()));
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
        }
    }
}
