namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>
/// Whether a flush sends a chunk now. A full chunk (a bulk call's limit) always goes. A partial one
/// holds every due row of its type, so its staging times say whether objects are still arriving:
/// it goes once nothing was staged for <see cref="OutboxOptions.PartialChunkQuiet"/> (the stream
/// paused, or a single change) and nothing more is on its way, or once its oldest row has waited the type's hold.
/// While a portfolio streams in, Planhat gets full bulk calls instead of one partial call per type
/// per flush tick.
/// </summary>
public static class PartialChunkPolicy
{
    /// <param name="moreComing">
    /// More rows of this type are on their way: the per-object queues still hold messages, or the rows
    /// are fed by an earlier flush step (events by the enduser flush) that held its own partial chunk
    /// back. Then a pause in staging is no end of the stream, and only the hold sends a partial chunk.
    /// </param>
    /// <param name="hold">The longest a partial chunk of this type waits (<see cref="OutboxOptions.PartialChunkHold"/>, <see cref="OutboxOptions.EventChunkHold"/>); zero never holds.</param>
    public static bool ShouldSend(IReadOnlyCollection<OutboxRow> rows, int chunkSize, DateTimeOffset now, TimeSpan hold, TimeSpan quiet, bool moreComing = false)
    {
        if (rows.Count == 0)
        {
            return false;
        }

        if (rows.Count >= chunkSize || hold <= TimeSpan.Zero || now - rows.Min(r => r.StagedAt) >= hold)
        {
            return true;
        }

        return !moreComing && now - rows.Max(r => r.StagedAt) >= quiet;
    }
}
