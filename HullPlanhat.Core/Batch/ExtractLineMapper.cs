using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Batch;

/// <summary>One extract line as a queue message, or why it cannot be one.</summary>
public readonly record struct ExtractLine(QueuedMessage? Message, string? SkipReason);

/// <summary>
/// Turns one line of a Hull extract (a user or account report with <c>segment_ids</c>, users with
/// their <c>account</c>) into the same queue message a notification would give, marked as an export
/// so the batch rules apply (pure).
/// </summary>
public static class ExtractLineMapper
{
    public static ExtractLine Map(string line, int lineNumber, ExtractKind kind, string connectorId, string? segmentId)
    {
        JsonObject? report;
        try
        {
            report = UntrustedJson.Parse(line) as JsonObject;
        }
        catch (JsonException e)
        {
            return Skip($"Line {lineNumber} of the extract is not valid JSON: {e.Message}");
        }

        if (report is null || report.Count == 0)
        {
            return Skip($"Line {lineNumber} of the extract is not a JSON object with attributes.");
        }

        var segmentIds = Ids(report["segment_ids"], segmentId);
        report.Remove("segment_ids");
        if (kind == ExtractKind.Accounts)
        {
            var account = new OutgoingAccountMessage { ConnectorId = connectorId, IsExport = true, Account = report, AccountSegmentIds = segmentIds };
            return new(new QueuedMessage(TriggerTable.AccountsQueue, JsonSerializer.Serialize(account, CoreJsonContext.Default.OutgoingAccountMessage)), null);
        }

        var linked = report["account"] as JsonObject;
        report.Remove("account");
        var accountSegmentIds = Ids(linked?["segment_ids"], null);
        linked?.Remove("segment_ids");
        var user = new OutgoingUserMessage
        {
            ConnectorId = connectorId,
            IsExport = true,
            User = report,
            Account = linked is { Count: > 0 } ? linked : null,
            SegmentIds = segmentIds,
            AccountSegmentIds = accountSegmentIds,
        };
        return new(new QueuedMessage(TriggerTable.UsersQueue, JsonSerializer.Serialize(user, CoreJsonContext.Default.OutgoingUserMessage)), null);
    }

    private static ExtractLine Skip(string reason) => new(null, reason);

    private static string[] Ids(JsonNode? ids, string? extra) =>
        [.. (ids as JsonArray ?? []).OfType<JsonValue>()
            .Select(v => v.TryGetValue<string>(out var id) ? id : null)
            .Append(extra)
            .OfType<string>()
            .Where(id => id.Length > 0)
            .Distinct()];
}
