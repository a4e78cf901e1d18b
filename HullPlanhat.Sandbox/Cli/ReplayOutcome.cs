using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Client;
using HullPlanhat.Sandbox.Hull;

namespace HullPlanhat.Sandbox.Cli;

/// <summary>
/// What the Sandbox holds for a <see cref="ReplayExpectation"/>: the Planhat companies, licenses,
/// endusers and activities of the notification's objects, and the <c>planhat/id</c> written back to Hull.
/// </summary>
internal sealed record ReplayOutcome(
    ReplayExpectation Expected,
    IReadOnlyList<(ExpectedAccount Account, JsonObject? Company)> Companies,
    IReadOnlyList<JsonObject> Licenses,
    IReadOnlyList<(ExpectedUser User, JsonObject? Enduser)> Endusers,
    IReadOnlyList<(ExpectedEvent Event, JsonObject? Activity)> Activities,
    IReadOnlyList<FirehoseEntry> WriteBacks)
{
    /// <summary>Every object of the notification is in Planhat (a renamed account with its new name), its id back in Hull, every whitelisted event an activity.</summary>
    public bool Complete =>
        Companies.All(c => c.Company is not null && (c.Account.MappedName is null || c.Company["name"]?.ToString() == c.Account.MappedName)
            && WrittenBack(c.Company, c.Account.KnownPlanhatId))
        && Endusers.All(e => e.Enduser is not null && WrittenBack(e.Enduser, e.User.KnownPlanhatId))
        && Activities.All(a => a.Activity is not null);

    public static async Task<ReplayOutcome> ReadAsync(SandboxClient sandbox, string token, ReplayExpectation expected, CancellationToken ct)
    {
        var companies = expected.Accounts.Count > 0 ? await sandbox.GetObjectsAsync(token, "companies", ct) : [];
        var endusers = expected.Users.Count > 0 ? await sandbox.GetObjectsAsync(token, "endusers", ct) : [];
        var activities = expected.Events.Count > 0 ? await sandbox.GetAnalyticsAsync(token, ct) : [];
        var firehose = await sandbox.GetFirehoseAsync(expected.ConnectorId, ct);

        var matchedCompanies = expected.Accounts.Select(a => (a, companies.FirstOrDefault(c => Same(c, a)))).ToList();
        var companyIds = matchedCompanies.Select(c => Id(c.Item2)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var licenses = companyIds.Count > 0
            ? (await sandbox.GetObjectsAsync(token, "licenses", ct)).Where(l => companyIds.Contains(l["companyId"]?.ToString() ?? "")).ToList()
            : [];
        var matchedEndusers = expected.Users.Select(u => (u, endusers.FirstOrDefault(e => Same(e, u)))).ToList();

        // Each expected event takes one matching activity, so two events of one name need two activities.
        var unclaimed = activities.ToList();
        var matchedActivities = new List<(ExpectedEvent, JsonObject?)>();
        foreach (var expectedEvent in expected.Events)
        {
            var activity = unclaimed.FirstOrDefault(a => a["action"]?.ToString() == expectedEvent.Name && Same(a, expectedEvent.User));
            unclaimed.Remove(activity!);
            matchedActivities.Add((expectedEvent, activity));
        }

        var ids = companyIds.Concat(matchedEndusers.Select(e => Id(e.Item2)).OfType<string>()).ToHashSet(StringComparer.Ordinal);
        // A write-back carries planhat/id alone; an import of the object from Planhat carries its other traits too.
        var writeBacks = firehose.Where(f => f.Body.Count == 1 && f.Body["planhat/id"]?.ToString() is { } id && ids.Contains(id)).ToList();
        return new(expected, matchedCompanies, licenses, matchedEndusers, matchedActivities, writeBacks);
    }

    public static string? Id(JsonObject? planhatObject) => planhatObject?["_id"]?.ToString();

    /// <summary>The firehose entry that wrote <paramref name="planhatObject"/>'s id to Hull, if any.</summary>
    public FirehoseEntry? WriteBackOf(JsonObject? planhatObject) =>
        Id(planhatObject) is { } id ? WriteBacks.LastOrDefault(f => f.Body["planhat/id"]?.ToString() == id) : null;

    private bool WrittenBack(JsonObject planhatObject, string? knownId) =>
        knownId == Id(planhatObject) || WriteBackOf(planhatObject) is not null;

    private static bool Same(JsonObject company, ExpectedAccount account) => account.ExternalId is { } externalId
        ? company["externalId"]?.ToString() == externalId
        : account.KnownPlanhatId is { } id ? Id(company) == id : company["name"]?.ToString() == account.Name;

    private static bool Same(JsonObject planhatObject, ExpectedUser user) =>
        (user.ExternalId is { } externalId && planhatObject["externalId"]?.ToString() == externalId)
        || (user.Email is { } email && string.Equals(planhatObject["email"]?.ToString(), email, StringComparison.OrdinalIgnoreCase));
}
