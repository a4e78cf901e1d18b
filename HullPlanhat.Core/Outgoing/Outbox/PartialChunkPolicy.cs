namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>
/// Whether a flush sends a chunk now. A full chunk (a bulk call's limit) always goes. A partial one
/// holds every due row of its type, so its staging times say whether objects are still arriving:
/// it goes once nothing was staged for <see cref="OutboxOptions.PartialChunkQuiet"/> (the stream
/// paused, or a single change) or its oldest row has waited the type's hold.
/// While a portfolio streams in, Planhat gets full bulk calls instead of one partial call per type
/// per flush tick.
/// </summary>
public static class PartialChunkPolicy
{
    /// <param name="feederHeld">
    /// The rows are fed by an earlier flush step (events by the enduser flush) that held its own
    /// partial chunk back: more are coming, so only the hold's limit sends a partial chunk.
    /// </param>
    /// <param name="hold">The longest a partial chunk of this type waits (<see cref="OutboxOptions.PartialChunkHold"/>, <see cref="OutboxOptions.EventChunkHold"/>); zero never holds.</param>
    public static bool ShouldSend(IReadOnlyCollection<OutboxRow> rows, int chunkSize, DateTimeOffset now, TimeSpan hold, TimeSpan quiet, bool feederHeld = false)
    {
        if (rows.Count == 0)
        {
            return false;
        }

        if (rows.Count >= chunkSize || hold <= TimeSpan.Zero || now - rows.Min(r => r.StagedAt) >= hold)
        {
            return true;
        }

        return !feederHeld && now - rows.Max(r => r.StagedAt) >= quiet;
    }
}
