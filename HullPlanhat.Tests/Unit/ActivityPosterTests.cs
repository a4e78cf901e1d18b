using System.Text.Json.Nodes;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Core.Planhat;
using Microsoft.Extensions.Logging.Abstractions;

namespace HullPlanhat.Tests.Unit;

/// <summary>
/// A cancelled analytics post: sent again only when no attempt of it reached the network (it was
/// still waiting for the rate limit); once on the wire its outcome is unknown, so it is not.
/// </summary>
public sealed class ActivityPosterTests
{
    private static readonly PlanhatConnection Connection = new("c1", new Uri("http://127.0.0.1:9/"), new Uri("http://127.0.0.1:9/"), "token", "tenant-1");

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task A_post_cancelled_before_it_reached_the_network_is_retried_and_one_cancelled_on_the_wire_is_not(bool reachedNetwork, bool retried)
    {
        var poster = new ActivityPoster(new PlanhatClient(new HttpClient(new HangingPlanhat(reachedNetwork))), NullLogger<ActivityPoster>.Instance);
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var outcome = await poster.PostAsync(Connection, [Row("u1", "e1"), Row("u2", "e2")], budget.Token);

        Assert.Equal(retried ? 2 : 0, outcome.FailedRows.Count);
        Assert.Equal(retried ? [("u1", "e1"), ("u2", "e2")] : [], outcome.NotDelivered);
        Assert.All(outcome.FailedRows.Values, error => Assert.Contains(ActivityPoster.NotSent, error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Posts_after_the_budget_ran_out_are_not_sent_and_are_retried()
    {
        var handler = new HangingPlanhat(reachesNetwork: true);
        var poster = new ActivityPoster(new PlanhatClient(new HttpClient(handler)), NullLogger<ActivityPoster>.Instance);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var outcome = await poster.PostAsync(Connection, [Row("u1", "e1")], cancelled.Token);

        Assert.Single(outcome.FailedRows);
        Assert.Equal(0, handler.Requests);
    }

    [Fact]
    public async Task A_user_whose_events_straddle_two_posts_gets_only_the_refused_ones_sent_again()
    {
        var handler = new RefusingFirstPost();
        var poster = new ActivityPoster(new PlanhatClient(new HttpClient(handler)), NullLogger<ActivityPoster>.Instance);
        var many = Row("u1", Enumerable.Range(0, ActivityPoster.MaxPerCall - 1).Select(i => $"a{i}").ToArray());
        var straddling = Row("u2", "b0", "b1"); // b0 goes with the first post, b1 with the second

        var outcome = await poster.PostAsync(Connection, [many, straddling], CancellationToken.None);

        Assert.Equal(2, handler.Requests);
        Assert.Equal(2, outcome.FailedRows.Count);
        Assert.Equal(ActivityPoster.MaxPerCall, outcome.NotDelivered.Count);
        Assert.Contains(("u2", "b0"), outcome.NotDelivered);
        Assert.DoesNotContain(("u2", "b1"), outcome.NotDelivered);
    }

    private static OutboxRow Row(string hullId, params string[] eventIds) => new()
    {
        ConnectorId = "c1",
        ObjectType = OutboxObjectTypes.Event,
        HullId = hullId,
        Payload = new JsonObject { ["email"] = $"{hullId}@example.com" },
        Attachments = new JsonArray(eventIds.Select(id => (JsonNode)new StagedEvent(id, new JsonObject { ["action"] = "Logged in", ["email"] = $"{hullId}@example.com" }).ToJson()).ToArray()),
        Hash = "h",
        HullClaims = new JsonObject { ["id"] = hullId },
    };

    /// <summary>Planhat that never answers: the post hangs until cancelled, on the wire or still waiting for the rate limit.</summary>
    private sealed class HangingPlanhat(bool reachesNetwork) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            if (reachesNetwork)
            {
                PlanhatWire.MarkAttempt(request);
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>A proxy in front of the sink refuses the first post (400) and lets the next through.</summary>
    private sealed class RefusingFirstPost : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            PlanhatWire.MarkAttempt(request);
            return Task.FromResult(new HttpResponseMessage(++Requests == 1 ? System.Net.HttpStatusCode.BadRequest : System.Net.HttpStatusCode.OK) { Content = new StringContent("{}") });
        }
    }
}
