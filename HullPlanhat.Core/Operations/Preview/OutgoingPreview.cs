using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Operations.Preview;

/// <summary>
/// A dry run of <c>OutgoingAccount</c> / <c>OutgoingUser</c> and the flush: the same filter, map,
/// validate and hash steps in the same order as the handlers (their skip reasons verbatim), the
/// flush's comparison with what Planhat last accepted (<see cref="SyncDecision"/>, one read per object here), then a read of what Planhat holds to name the fields
/// that would change. Reads only: nothing is staged, sent, or stored.
/// </summary>
public sealed class OutgoingPreview(SyncStateStore syncState, SentEventLedger sentEvents, PlanhatUsersCache planhatUsers, PlanhatHeldObjects held)
{
    private const int Parallelism = 32;

    private sealed record Pending(int Index, string ObjectType, string HullId, JsonObject Payload, HeldKey Key, int Events);

    public async Task<IReadOnlyList<PreviewVerdict>> PreviewAsync(ConnectorRecord connector, PlanhatConnection connection, IReadOnlyList<JsonNode?> messages,
        bool withPayload, CancellationToken cancellationToken)
    {
        var verdicts = new PreviewVerdict?[messages.Count];
        var waiting = new Pending?[messages.Count];

        // Each object's decision reads its own sync state: side by side, as the queue workers would.
        await Parallel.ForEachAsync(Enumerable.Range(0, messages.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                var decided = messages[index] is not JsonObject message
                    ? (Verdict: new PreviewVerdict(index, "unknown", null, PreviewDecisions.Skip, $"Message #{index} is not a JSON object."), Pending: null)
                    : HullMessages.User(message) is { } user
                        ? await UserAsync(connector, index, message, user, ct)
                        : HullMessages.Account(message) is { } account
                            ? await AccountAsync(connector, connection, index, message, account, ct)
                            : (new PreviewVerdict(index, "unknown", null, PreviewDecisions.Skip, $"Message #{index} has no user or account object."), null);
                verdicts[index] = decided.Verdict;
                waiting[index] = decided.Pending;
            });

        var pending = waiting.OfType<Pending>().ToList();
        foreach (var group in pending.GroupBy(p => p.ObjectType))
        {
            var items = group.ToList();
            var collection = group.Key == OutboxObjectTypes.Company ? "companies" : "endusers";
            var found = await held.FindAsync(connection, collection, items.Select(p => p.Key).ToList(), cancellationToken);
            for (var k = 0; k < items.Count; k++)
            {
                var p = items[k];
                var payload = withPayload ? p.Payload : null;
                if (found[k] is not { } current)
                {
                    verdicts[p.Index] = new(p.Index, p.ObjectType, p.HullId, PreviewDecisions.Create, Events: p.Events, Payload: payload);
                    continue;
                }

                var fields = FieldDiff.Changed(p.Payload, current);
                var planhatId = current["_id"]?.ToString();
                verdicts[p.Index] = fields.Count > 0
                    ? new(p.Index, p.ObjectType, p.HullId, PreviewDecisions.Update, null, fields, planhatId, p.Events, payload)
                    : new(p.Index, p.ObjectType, p.HullId, PreviewDecisions.Unchanged,
                        "Planhat already holds these values; the connector has no record of sending them, so the next run sends them once without changing anything.",
                        [], planhatId, p.Events, payload);
            }
        }

        return verdicts!;
    }

    private async Task<(PreviewVerdict? Verdict, Pending? Pending)> AccountAsync(ConnectorRecord connector, PlanhatConnection connection, int index,
        JsonObject message, JsonObject account, CancellationToken cancellationToken)
    {
        const string type = OutboxObjectTypes.Company;
        var settings = connector.Settings;
        var hullId = HullMessages.String(account, "id") ?? HullMessages.String(account, "external_id");
        PreviewVerdict Skip(string reason) => new(index, type, hullId, PreviewDecisions.Skip, reason);

        // OutgoingAccountHandler.SyncAsync, step by step.
        var filtered = AccountFilter.Evaluate(account, HullMessages.SegmentIds(message, "account_segments"), settings, isExport: false);
        if (filtered.Count > 0)
        {
            return (Skip(SkipReasons.Join(filtered)), null);
        }

        if (hullId is null)
        {
            return (Skip("The account has neither a Hull id nor an external_id."), null);
        }

        var company = CompanyMapper.Map(account, settings);
        var licenses = LicenseMapper.Map(account, settings);
        var userIds = CompanyValidator.NeedsPlanhatUsers(company) ? await planhatUsers.GetIdsAsync(connection, cancellationToken) : null;
        var invalid = CompanyValidator.Validate(company, userIds);
        if (invalid.Count > 0)
        {
            return (Skip(SkipReasons.Join(invalid)), null);
        }

        var hash = CanonicalJson.Hash(new JsonObject { ["company"] = company.DeepClone(), ["licenses"] = licenses.Licenses?.DeepClone() });
        // The flush's decision (FlushTriage), for this one object.
        var accepted = await syncState.GetAsync(connector.Id, type, hullId, cancellationToken);
        switch (SyncDecision.SkipReason(hash, ChangeVersion.Of(account), accepted))
        {
            case SkipReasons.OlderChange:
                return (Skip(SkipReasons.OlderChange), null);
            case SkipReasons.AlreadyInSync:
                return (new PreviewVerdict(index, type, hullId, PreviewDecisions.Unchanged, SkipReasons.AlreadyInSync, [], accepted!.PlanhatId), null);
        }

        var planhatId = HullAttributePath.Read(account, "planhat.id")?.ToString() ?? accepted?.PlanhatId;
        var externalId = HullMessages.String(company, "externalId");
        var sourceId = HullMessages.String(company, "sourceId") ?? (externalId is null ? CompanyFlusher.KeylessSourceId(hullId) : null);
        return (null, new Pending(index, type, hullId, company, new HeldKey(planhatId, externalId, sourceId, null), 0));
    }

    private async Task<(PreviewVerdict? Verdict, Pending? Pending)> UserAsync(ConnectorRecord connector, int index, JsonObject message, JsonObject user, CancellationToken cancellationToken)
    {
        const string type = OutboxObjectTypes.Enduser;
        var settings = connector.Settings;
        var account = HullMessages.Account(message);
        var hullId = HullMessages.String(user, "id") ?? HullMessages.String(user, "external_id") ?? HullMessages.String(user, "email");
        PreviewVerdict Skip(string reason) => new(index, type, hullId, PreviewDecisions.Skip, reason);

        // OutgoingUserHandler.SyncAsync, step by step.
        var queued = new OutgoingUserMessage
        {
            ConnectorId = connector.Id,
            User = user,
            Account = account,
            SegmentIds = HullMessages.SegmentIds(message, "segments"),
            AccountSegmentIds = HullMessages.SegmentIds(message, "account_segments"),
            Events = message["events"] as JsonArray is { Count: > 0 } events ? events : null,
        };
        var filtered = UserFilter.Evaluate(queued, settings);
        if (filtered.Count > 0)
        {
            return (Skip(SkipReasons.Join(filtered)), null);
        }

        if (hullId is null)
        {
            return (Skip("The user has neither a Hull id, an external_id nor an email."), null);
        }

        var enduser = EnduserMapper.Map(user, account, settings);
        var company = CompanyReference.Of(account);
        var invalid = EnduserValidator.Validate(enduser, company);
        if (invalid.Count > 0)
        {
            return (Skip(SkipReasons.Join(invalid)), null);
        }

        var mapped = string.IsNullOrWhiteSpace(settings.TenantId) ? [] : EventMapper.Map(queued.Events, enduser, account, settings);
        var unsent = mapped.Count == 0 ? 0 : (await sentEvents.UnsentAsync(connector.Id, hullId, mapped, cancellationToken)).Count;
        var hash = EnduserHash.Compute(enduser, company);
        var accepted = await syncState.GetAsync(connector.Id, type, hullId, cancellationToken);
        switch (SyncDecision.SkipReason(hash, ChangeVersion.Of(user), accepted))
        {
            case SkipReasons.OlderChange:
                return (new PreviewVerdict(index, type, hullId, PreviewDecisions.Skip, SkipReasons.OlderChange, Events: unsent), null);
            case SkipReasons.AlreadyInSync:
                return (new PreviewVerdict(index, type, hullId, PreviewDecisions.Unchanged, SkipReasons.AlreadyInSync, [], accepted!.PlanhatId, unsent), null);
        }

        var planhatId = HullAttributePath.Read(user, "planhat.id")?.ToString() ?? accepted?.PlanhatId;
        var key = new HeldKey(planhatId, EnduserMapper.Text(enduser, "externalId"), null, EnduserMapper.Text(enduser, "email"));
        return (null, new Pending(index, type, hullId, enduser, key, unsent));
    }
}
