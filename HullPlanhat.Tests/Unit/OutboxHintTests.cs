using HullPlanhat.Core.Operations.Dashboard;

namespace HullPlanhat.Tests.Unit;

/// <summary>The status page explains an outbox row held back long past the flush period, and says nothing before.</summary>
public sealed class OutboxHintTests
{
    [Fact]
    public void A_row_waiting_past_ten_minutes_gets_the_reasons_it_may_wait_and_a_fresher_one_none()
    {
        Assert.Null(OverviewApi.OutboxHint(null));
        Assert.Null(OverviewApi.OutboxHint(TimeSpan.FromMinutes(9)));

        var hint = OverviewApi.OutboxHint(TimeSpan.FromMinutes(42));

        Assert.NotNull(hint);
        Assert.StartsWith("The oldest outbox row has waited 42 minutes.", hint, StringComparison.Ordinal);
        Assert.Contains("outgoing.user.waiting", hint, StringComparison.Ordinal);
    }
}
