using System.Text.Json.Nodes;
using Spectre.Console;

namespace HullPlanhat.Sandbox.Cli;

/// <summary>Prints a <see cref="ReplayOutcome"/> as one table per kind of object, in both systems.</summary>
internal static class ReplayReport
{
    private const string Missing = "[yellow]not (yet) in Planhat[/]";

    public static void Write(ReplayOutcome outcome)
    {
        if (outcome.Companies.Count > 0)
        {
            var companies = NewTable("Planhat companies", "_id", "externalId", "name", "planhat/id in Hull");
            foreach (var (account, company) in outcome.Companies)
            {
                companies.AddRow(company is null
                    ? [Missing, Esc(account.ExternalId), Esc(account.Name), ""]
                    : [Esc(ReplayOutcome.Id(company)), Esc(Field(company, "externalId")), Esc(Field(company, "name")), HullId(outcome, company, account.KnownPlanhatId)]);
            }

            AnsiConsole.Write(companies);
            var licenses = NewTable("Planhat licenses", "_id", "companyId", "externalId", "product", "mrr");
            foreach (var license in outcome.Licenses)
            {
                licenses.AddRow([.. new[] { "_id", "companyId", "externalId", "product", "mrr" }.Select(f => Esc(Field(license, f)))]);
            }

            WriteOrNone(licenses, outcome.Licenses.Count, "no licenses");
        }

        if (outcome.Endusers.Count > 0)
        {
            var endusers = NewTable("Planhat endusers", "_id", "email", "externalId", "companyId", "planhat/id in Hull");
            foreach (var (user, enduser) in outcome.Endusers)
            {
                endusers.AddRow(enduser is null
                    ? [Missing, Esc(user.Email), Esc(user.ExternalId), "", ""]
                    : [Esc(ReplayOutcome.Id(enduser)), Esc(Field(enduser, "email")), Esc(Field(enduser, "externalId")), Esc(Field(enduser, "companyId")),
                        HullId(outcome, enduser, user.KnownPlanhatId)]);
            }

            AnsiConsole.Write(endusers);
            var activities = NewTable("Planhat activities", "action", "email", "externalId", "date");
            foreach (var (expected, activity) in outcome.Activities)
            {
                activities.AddRow(activity is null
                    ? [Esc(expected.Name), Esc(expected.User.Email), Esc(expected.User.ExternalId), Missing]
                    : [Esc(Field(activity, "action")), Esc(Field(activity, "email")), Esc(Field(activity, "externalId")), Esc(Field(activity, "date"))]);
            }

            WriteOrNone(activities, outcome.Activities.Count, "no whitelisted events (contact_events)");
        }

        var hull = NewTable("Written back to Hull", "subject", "identity", "planhat/id");
        foreach (var entry in outcome.WriteBacks)
        {
            var claims = entry.SubjectType == "user" ? entry.AsUser : entry.AsAccount;
            var identity = string.Join(" ", (claims ?? []).Where(c => c.Key != "anonymous_id").Select(c => $"{c.Key}={c.Value}"));
            hull.AddRow(Esc(entry.SubjectType), Esc(identity), Esc(entry.Body["planhat/id"]?.ToString()));
        }

        WriteOrNone(hull, outcome.WriteBacks.Count, "nothing written back to Hull yet");
    }

    private static Table NewTable(string title, params string[] columns) =>
        new Table { Title = new TableTitle(title, new Style(decoration: Decoration.Bold)), Border = TableBorder.Rounded }.AddColumns(columns);

    private static void WriteOrNone(Table table, int rows, string none)
    {
        if (rows > 0)
        {
            AnsiConsole.Write(table);
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]{table.Title?.Text}: {none}[/]");
        }
    }

    private static string HullId(ReplayOutcome outcome, JsonObject planhatObject, string? knownId) =>
        outcome.WriteBackOf(planhatObject) is not null ? "[green]written[/]"
        : knownId == ReplayOutcome.Id(planhatObject) ? "[green]already there[/]"
        : "[yellow]pending[/]";

    private static string? Field(JsonObject obj, string key) => obj[key]?.ToString();

    private static string Esc(string? text) => Markup.Escape(text ?? "");
}
