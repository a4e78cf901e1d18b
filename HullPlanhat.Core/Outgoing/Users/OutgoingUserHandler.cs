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
/// the enduser (when it changed) and its whitelisted events in the outbox — zero Planhat calls here.
/// </summary>
public sealed class OutgoingUserHandler(
    ConnectorMessageReader messages,
    SyncStateStore syncState,
    EnduserOutbox outbox,
    SentEventLedger sentEvents,
    ImportedState imported,
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

        var events = await sentEvents.UnsentAsync(connector.Id, hullId, StageableEvents(EventMapper.Map(message.Events, enduser, account, settings), settings), cancellationToken);
        var hash = EnduserHash.Compute(enduser, company);
        var version = ChangeVersion.Of(user);
        var accepted = await syncState.GetAsync(connector.Id, OutboxObjectTypes.Enduser, hullId, cancellationToken);
        var older = accepted is not null && ChangeVersion.IsOlder(version, accepted.Version);
        var changed = accepted?.Hash != hash && !older;
        var hullPlanhatId = Json.HullAttributePath.Read(user, "planhat.id")?.ToString();
        var fromPlanhat = changed && company.PlanhatId is { } companyId
            && await imported.HoldsAsync(connector.Id, IncomingKind.Endusers, hullPlanhatId ?? accepted?.PlanhatId, WithCompany(enduser, companyId), cancellationToken);
        if (fromPlanhat)
        {
            // Planhat's own values coming back: remember them as written (the events, if any, still go).
            changed = false;
            await syncState.SaveAsync(connector.Id, OutboxObjectTypes.Enduser,
                [(hullId, new SyncState(hash, hullPlanhatId ?? accepted?.PlanhatId, EnduserMapper.Text(enduser, "externalId"), version))], cancellationToken);
        }

        var row = new OutboxRow
        {
            ConnectorId = connector.Id,
            ObjectType = OutboxObjectTypes.Enduser,
            HullId = hullId,
            Payload = enduser,
            Hash = hash,
            PlanhatId = hullPlanhatId ?? accepted?.PlanhatId,
            HullClaims = HullClaims.ForUser(user),
            Context = new EnduserContext(changed, company, account is null ? null : HullClaims.ForAccount(account), hullPlanhatId).ToJson(),
            Version = version,
        };

        await outbox.StageAsync(row, events, cancellationToken);
        foreach (var stagedEvent in events)
        {
            logger.EventStaged(stagedEvent.Action);
        }

        if (changed)
        {
            logger.UserStaged(hash);
        }
        else
        {
            // Planhat has this enduser (or a newer change of it) already; only its events (if any) are left to send.
            Skip(older ? SkipReasons.OlderChange : fromPlanhat ? ImportedState.AlreadyInPlanhat : SkipReasons.AlreadyInSync);
        }
    }

    private static JsonObject WithCompany(JsonObject enduser, string companyId)
    {
        var item = (JsonObject)enduser.DeepClone();
        item["companyId"] = companyId;
        return item;
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
