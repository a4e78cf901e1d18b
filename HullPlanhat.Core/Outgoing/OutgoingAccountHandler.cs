using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using HullPlanhat.Core.TwoWay;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Outgoing;

/// <summary>
/// <c>OutgoingAccount</c> (queue <c>planhat-accounts</c>): filter, map and validate one Hull account,
/// then stage it in the outbox (a share of a group-committed transaction, no read). The flush drops
/// it, at zero Planhat calls, when Planhat already has it (<see cref="Outbox.FlushTriage"/>).
/// </summary>
public sealed class OutgoingAccountHandler(
    ConnectorMessageReader messages,
    PlanhatUsersCache planhatUsers,
    OutboxStore outbox,
    IOptions<PlanhatOptions> planhatOptions,
    ProductMetrics metrics,
    ILogger<OutgoingAccountHandler> logger) : IQueueFunction
{
    public Task HandleAsync(string messageText, CancellationToken cancellationToken) =>
        messages.HandleAsync(messageText, CoreJsonContext.Default.OutgoingAccountMessage, async (message, connector) =>
        {
            using (logger.ForConnector(connector.Id, connector.Organization))
            using (logger.ForAccount(message.Account))
            {
                await SyncAsync(connector, message, cancellationToken);
            }
        }, cancellationToken);

    private async Task SyncAsync(ConnectorRecord connector, OutgoingAccountMessage message, CancellationToken cancellationToken)
    {
        var account = message.Account;
        var settings = connector.Settings;
        var filtered = AccountFilter.Evaluate(account, message.AccountSegmentIds, settings, message.IsExport);
        if (filtered.Count > 0)
        {
            Skip(SkipReasons.Join(filtered));
            return;
        }

        var hullId = HullMessages.AccountKey(account);
        if (hullId is null)
        {
            Skip("The account has neither a Hull id nor an external_id.");
            return;
        }

        var hullPlanhatId = HullAttributePath.Read(account, "planhat.id")?.ToString();
        var claims = HullClaims.ForAccount(account);
        if (IdentityLimits.Check(hullId, hullPlanhatId, claims) is { } tooLong)
        {
            Skip(tooLong);
            return;
        }

        var company = CompanyMapper.Map(account, settings);
        var licenses = LicenseMapper.Map(account, settings);
        foreach (var problem in licenses.Problems)
        {
            logger.LicenseSkipped(problem);
        }

        var connection = PlanhatConnection.For(connector, planhatOptions.Value)!;
        var userIds = CompanyValidator.NeedsPlanhatUsers(company) ? await planhatUsers.GetIdsAsync(connection, cancellationToken) : null;
        var invalid = CompanyValidator.Validate(company, userIds);
        if (invalid.Count > 0)
        {
            Skip(SkipReasons.Join(invalid));
            return;
        }

        // No read here: whether Planhat has this already is decided by the flush, for the whole chunk at once (FlushTriage).
        var hash = CanonicalJson.Hash(new JsonObject { ["company"] = company.DeepClone(), ["licenses"] = licenses.Licenses?.DeepClone() });
        var staged = await outbox.StageNewestAsync(new OutboxRow
        {
            ConnectorId = connector.Id,
            ObjectType = OutboxObjectTypes.Company,
            HullId = hullId,
            Payload = company,
            Attachments = licenses.Licenses,
            Hash = hash,
            PlanhatId = hullPlanhatId,
            HullClaims = claims,
            Context = new JsonObject { ["hullPlanhatId"] = hullPlanhatId },
            Version = ChangeVersion.Of(account),
        }, cancellationToken);
        if (staged)
        {
            logger.AccountStaged(hash);
        }
        else
        {
            Skip(SkipReasons.OlderChange);
        }
    }

    private void Skip(string reason)
    {
        logger.AccountSkipped(reason);
        metrics.Skipped(OutboxObjectTypes.Company, reason);
    }
}
