using HullPlanhat.Core.Hull;

namespace HullPlanhat.Core.Incoming;

/// <summary>One of the two Planhat collections imported into Hull, and what differs between them.</summary>
/// <param name="Name">Planhat collection (<c>companies</c>, <c>endusers</c>): list endpoint, log <c>ObjectType</c>, table key part.</param>
/// <param name="Function">The timer function that imports it.</param>
public sealed record IncomingKind(string Name, string Function)
{
    public static readonly IncomingKind Companies = new("companies", Hosting.TriggerTable.FetchCompanies);
    public static readonly IncomingKind Endusers = new("endusers", Hosting.TriggerTable.FetchEndusers);

    /// <summary>Minutes between completed jobs (<c>fetch_interval_accounts</c> / <c>fetch_interval_users</c>); 0 = every run.</summary>
    public int IntervalMinutes(ConnectorSettings settings) =>
        this == Companies ? settings.FetchIntervalAccounts : settings.FetchIntervalUsers;
}
