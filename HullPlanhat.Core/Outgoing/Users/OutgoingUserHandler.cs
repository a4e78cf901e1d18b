using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using HullPlanhat.Core.TwoWay;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// <c>OutgoingUser</c> (queue <c>planhat-users</c>): filter, map and validate one Hull user, then stage
/// the enduser and its whitelisted events in the outbox — no read, zero Planhat calls here. The flush
/// drops the enduser when Planhat already has it, and events already sent (<see cref="Outbox.FlushTriage"/>).
/// </summary>
public sealed class OutgoingUserHandler(
    ConnectorMessageReader messages,
    EnduserOutbox outbox,
    ProductMetrics metrics,
    ILogger<OutgoingUserHandler> logger) : IQueueFunction
{
    public Task HandleAsync(string messageText, CancellationToken cancellationToken) =>
        messages.HandleAsync(messageText, CoreJsonContext.Default.OutgoingUserMessage, async (message, connector) =>
        {
            using (logger.ForConnector(connector.Id, connector.Organization))
            using (logger.ForUser(message.User))
            {
                await SyncAsync(connector, message, cancellationToken);
            }
        }, cancellationToken);

    private async Task SyncAsync(ConnectorRecord connector, OutgoingUserMessage message, CancellationToken cancellationToken)
    {
        var (user, account, settings) = (message.User, message.Account, connector.Settings);
        var filtered = UserFilter.Evaluate(message, settings);
        if (filtered.Count > 0)
        {
            Skip(SkipReasons.Join(filtered));
            return;
        }

        var hullId = HullMessages.String(user, "id") ?? HullMessages.String(user, "external_id") ?? HullMessages.String(user, "email");
        if (hullId is null)
        {
            Skip("The user has neither a Hull id, an external_id nor an email.");
            return;
        }

        var enduser = EnduserMapper.Map(user, account, settings);
        var company = CompanyReference.Of(account);
        var invalid = EnduserValidator.Validate(enduser, company);
        if (invalid.Count > 0)
        {
            Skip(SkipReasons.Join(invalid));
            return;
        }

        var hullPlanhatId = Json.HullAttributePath.Read(user, "planhat.id")?.ToString();
        var claims = HullClaims.ForUser(user);
        var accountClaims = account is null ? null : HullClaims.ForAccount(account);
        if (IdentityLimits.Check(hullId, hullPlanhatId, claims, accountClaims) is { } tooLong)
        {
            Skip(tooLong);
            return;
        }

        // No read here: whether Planhat has this enduser, and which events went already, is decided by the flush for the whole chunk (FlushTriage).
        var events = StageableEvents(EventMapper.Map(message.Events, enduser, account, settings), settings);
        var hash = EnduserHash.Compute(enduser, company);
        var row = new OutboxRow
        {
            ConnectorId = connector.Id,
            ObjectType = OutboxObjectTypes.Enduser,
            HullId = hullId,
            Payload = enduser,
            Hash = hash,
            PlanhatId = hullPlanhatId,
            HullClaims = claims,
            Context = new EnduserContext(true, company, accountClaims, hullPlanhatId).ToJson(),
            Version = ChangeVersion.Of(user),
        };

        var newest = await outbox.StageAsync(row, events, cancellationToken);
        foreach (var stagedEvent in events)
        {
            logger.EventStaged(stagedEvent.Action);
        }

        if (newest)
        {
            logger.UserStaged(hash);
        }
        else
        {
            // A newer change of this enduser is staged already; this one only added its events (if any).
            Skip(SkipReasons.OlderChange);
        }
    }

    private IReadOnlyList<StagedEvent> StageableEvents(IReadOnlyList<StagedEvent> events, ConnectorSettings settings)
    {
        if (events.Count == 0 || !string.IsNullOrWhiteSpace(settings.TenantId))
        {
            return events;
        }

        foreach (var skipped in events)
        {
            logger.EventSkipped(skipped.Action, SkipReasons.NoTenantId);
        }

        return [];
    }

    private void Skip(string reason)
    {
        logger.UserSkipped(reason);
        metrics.Skipped(OutboxObjectTypes.Enduser, reason);
    }
}
