using Azure;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// A run's hold on one job row: every checkpoint and a background heartbeat write it under the
/// ETag this run last wrote, one at a time. If another run took the row over, the claim is lost:
/// <see cref="Lost"/> fires and further writes throw <see cref="JobClaimLostException"/>.
/// </summary>
public sealed class JobClaim : IAsyncDisposable
{
    private readonly JobStore store;
    private readonly string connectorId;
    private readonly IncomingKind kind;
    private readonly TimeProvider clock;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource lost = new();
    private readonly CancellationTokenSource stopHeartbeat = new();
    private readonly Task heartbeat;
    private ETag etag;

    private JobClaim(JobStore store, string connectorId, IncomingKind kind, JobState state, ETag etag, TimeProvider clock, TimeSpan heartbeatEvery)
    {
        this.store = store;
        this.connectorId = connectorId;
        this.kind = kind;
        this.clock = clock;
        State = state;
        this.etag = etag;
        heartbeat = BeatAsync(heartbeatEvery);
    }

    public JobState State { get; private set; }

    /// <summary>Cancelled when another run took the job over.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>Claims the row (at <paramref name="etag"/>) for <paramref name="state"/>; null when another run was faster.</summary>
    public static async Task<JobClaim?> TryAcquireAsync(JobStore store, string connectorId, IncomingKind kind, JobState state, ETag etag,
        TimeProvider clock, TimeSpan heartbeatEvery, CancellationToken cancellationToken) =>
        await store.TryWriteAsync(connectorId, kind, state, etag, cancellationToken) is { } written
            ? new JobClaim(store, connectorId, kind, state, written, clock, heartbeatEvery)
            : null;

    /// <summary>Writes a checkpoint (and a heartbeat).</summary>
    public async Task SaveAsync(Func<JobState, JobState> change, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var next = change(State) with { HeartbeatAt = clock.GetUtcNow() };
            if (lost.IsCancellationRequested || await store.TryWriteAsync(connectorId, kind, next, etag, cancellationToken) is not { } written)
            {
                await lost.CancelAsync();
                throw new JobClaimLostException($"The {kind.Name} job {State.JobId} was taken over by another run.");
            }

            etag = written;
            State = next;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopHeartbeat.CancelAsync();
        await heartbeat;
        stopHeartbeat.Dispose();
        lost.Dispose();
        gate.Dispose();
    }

    private async Task BeatAsync(TimeSpan every)
    {
        try
        {
            while (true)
            {
                await Task.Delay(every, clock, stopHeartbeat.Token);
                try
                {
                    await SaveAsync(s => s, stopHeartbeat.Token);
                }
                catch (RequestFailedException)
                {
                    // A missed heartbeat is retried at the next one; the job's own checkpoints still fail loudly.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (JobClaimLostException)
        {
            // Lost is cancelled: the job stops at its next step.
        }
    }
}
