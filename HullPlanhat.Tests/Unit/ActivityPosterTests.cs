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

        var failed = await poster.PostAsync(Connection, [Row("u1", "e1"), Row("u2", "e2")], budget.Token);

        Assert.Equal(retried ? 2 : 0, failed.Count);
        Assert.All(failed.Values, error => Assert.Contains(ActivityPoster.NotSent, error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Posts_after_the_budget_ran_out_are_not_sent_and_are_retried()
    {
        var handler = new HangingPlanhat(reachesNetwork: true);
        var poster = new ActivityPoster(new PlanhatClient(new HttpClient(handler)), NullLogger<ActivityPoster>.Instance);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var failed = await poster.PostAsync(Connection, [Row("u1", "e1")], cancelled.Token);

        Assert.Single(failed);
        Assert.Equal(0, handler.Requests);
    }

    private static OutboxRow Row(string hullId, string eventId) => new()
    {
        ConnectorId = "c1",
        ObjectType = OutboxObjectTypes.Event,
        HullId = hullId,
        Payload = new JsonObject { ["email"] = $"{hullId}@example.com" },
        Attachments = [new StagedEvent(eventId, new JsonObject { ["action"] = "Logged in", ["email"] = $"{hullId}@example.com" }).ToJson()],
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
}
