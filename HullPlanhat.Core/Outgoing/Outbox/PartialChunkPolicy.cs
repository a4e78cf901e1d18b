namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>
/// Whether a flush sends a chunk now. A full chunk (a bulk call's limit) always goes. A partial one
/// holds every due row of its type, so its staging times say whether objects are still arriving:
/// it goes once nothing was staged for <see cref="OutboxOptions.PartialChunkQuiet"/> (the stream
/// paused, or a single change) or its oldest row has waited <see cref="OutboxOptions.PartialChunkHold"/>.
/// While a portfolio streams in, Planhat gets full bulk calls instead of one partial call per type
/// per flush tick.
/// </summary>
public static class PartialChunkPolicy
{
    public static bool ShouldSend(IReadOnlyCollection<OutboxRow> rows, int chunkSize, DateTimeOffset now, OutboxOptions options)
    {
        if (rows.Count == 0)
        {
            return false;
        }

        if (rows.Count >= chunkSize || options.PartialChunkHold <= TimeSpan.Zero)
        {
            return true;
        }

        var newest = rows.Max(r => r.StagedAt);
        var oldest = rows.Min(r => r.StagedAt);
        return now - newest >= options.PartialChunkQuiet || now - oldest >= options.PartialChunkHold;
    }
}
