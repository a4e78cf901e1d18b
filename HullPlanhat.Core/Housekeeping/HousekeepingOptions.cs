namespace HullPlanhat.Core.Housekeeping;

/// <summary>Configuration section <c>Housekeeping</c> (operator settings).</summary>
public sealed class HousekeepingOptions
{
    /// <summary>How long the row of a finished batch job is kept (run history for operators; a late duplicate nudge finds it done).</summary>
    public TimeSpan ExtractJobRetention { get; set; } = TimeSpan.FromDays(7);
}
