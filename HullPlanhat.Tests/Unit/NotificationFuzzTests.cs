using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Intake;
using HullPlanhat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HullPlanhat.Tests.Unit;

/// <summary>
/// 10,000 seeded mutations of the real fixtures through the intake's pure steps (parse, split,
/// validate) — the same functions the handler runs. A subset goes through the real handler over HTTP
/// in <see cref="EndToEnd.NotificationFuzzEndToEndTests"/>.
/// </summary>
public sealed class NotificationFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 10_000;

    [Theory]
    [InlineData("account-update-message.json", 1201)]
    [InlineData("user-update-message.json", 1202)]
    public void Mutated_notifications_never_throw_and_keep_their_valid_elements(string fixture, int seed)
    {
        var mutator = new NotificationMutator(NotificationMutator.LoadFixture(fixture), seed);
        var clock = Stopwatch.StartNew();
        var byKind = new Dictionary<MutationKind, int>();
        for (var i = 0; i < Cases / 2; i++)
        {
            var mutation = mutator.Next();
            byKind[mutation.Kind] = byKind.GetValueOrDefault(mutation.Kind) + 1;
            var parsed = NotificationParser.Parse(mutation.Body);
            if (parsed.Notification is not { } notification)
            {
                Assert.False(mutation.IsElementLevel, $"case {i} ({mutation.Description}) refused the whole body: {parsed.Error}");
                Assert.False(string.IsNullOrWhiteSpace(parsed.Error));
                continue;
            }

            var split = NotificationSplitter.Split(notification, "connector");
            Assert.Equal(notification.Messages?.Count ?? 0, split.Messages.Count + split.Rejected.Count);
            Assert.All(split.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
            if (mutation.IsElementLevel)
            {
                foreach (var id in mutation.ValidIds)
                {
                    Assert.True(split.Messages.Any(m => m.Json.Contains($"\"id\":\"{id}\"", StringComparison.Ordinal)),
                        $"case {i} ({mutation.Description}): valid element {id} was not enqueued");
                }

                // Whatever was queued can be read back by the queue handlers.
                Assert.All(split.Messages, m => Assert.NotNull(JsonNode.Parse(m.Json)));
            }
        }

        output.WriteLine($"{Cases / 2} cases in {clock.ElapsedMilliseconds} ms: {string.Join(", ", byKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}");
        Assert.All(Enum.GetValues<MutationKind>(), kind => Assert.True(byKind.GetValueOrDefault(kind) > 100, $"{kind} was tried too rarely"));
    }
}
