using System.Text.Json.Nodes;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// One import job for one connector and object type: decide (start, resume, skip), claim the job
/// row, then page through Planhat from the checkpoint, checkpointing after every page. Any error
/// ends the job with <c>incoming.job.error</c> and leaves the checkpoint for the next run. A job that
/// went through every page from the start in this run then purges the hashes of objects Planhat no
/// longer lists (<see cref="UnseenHashPurge"/>).
/// </summary>
public sealed class IncomingJobRunner(
    PlanhatClient planhat,
    PageImporter importer,
    HashStore hashes,
    JobStore jobs,
    IOptions<IncomingOptions> options,
    IOptions<PlanhatOptions> planhatOptions,
    TimeProvider clock,
    Operations.Runs.RunRecorder runs,
    UnseenHashPurge unseenHashes,
    ILogger<IncomingJobRunner> logger)
{
    public async Task RunAsync(ConnectorRecord connector, IncomingKind kind, CancellationToken cancellationToken)
    {
        // As the original: no token, no work and no log.
        if (PlanhatConnection.For(connector, planhatOptions.Value) is not { } connection)
        {
            return;
        }

        var interval = kind.IntervalMinutes(connector.Settings);
        var (state, etag) = await jobs.GetAsync(connector.Id, kind, cancellationToken);
        var now = clock.GetUtcNow();
        var decision = JobPlanner.Decide(state, now, interval, options.Value.StaleAfter);
        if (decision.Action == JobAction.Skip)
        {
            logger.IncomingJobSkipped(kind.Name, decision.Reason!, state?.LastCompletedAt, interval);
            return;
        }

        var owner = Guid.NewGuid().ToString("N");
        var claimed = decision.Action == JobAction.Start
            ? JobState.New(owner, now, state?.LastCompletedAt)
            : state! with { Status = JobStatus.Running, Owner = owner, LastError = null, DigestsValid = false };
        await using var claim = await JobClaim.TryAcquireAsync(jobs, connector.Id, kind, claimed, etag, clock, options.Value.HeartbeatEvery, cancellationToken);
        if (claim is null)
        {
            logger.IncomingJobSkipped(kind.Name, JobPlanner.RunningElsewhere, state?.LastCompletedAt, interval);
            return;
        }

        if (decision.Action == JobAction.Start)
        {
            logger.IncomingJobStarted(kind.Name, claimed.JobId, claimed.StartedAt);
        }
        else
        {
            logger.IncomingJobResumed(kind.Name, claimed.JobId, claimed.StartedAt, claimed.Offset, claimed.Fetched, claimed.Sent);
        }

        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, claim.Lost);
        await using var run = runs.Begin(kind.Function, connector.Id);
        // Only a run that lists Planhat from the first page knows every object; a resumed one does not.
        var seen = decision.Action == JobAction.Start ? new SeenIds() : null;
        // A fresh job may trust the page digests of the job before it, if that one left a complete set.
        var basis = decision.Action == JobAction.Start && state is { Status: JobStatus.Completed, DigestsValid: true } previousJob
            ? new PageDigestBasis(previousJob.JobId, previousJob.StartedAt)
            : null;
        try
        {
            var pass = await PageThroughAsync(connector, connection, kind, claim, seen, basis, running.Token);
            var unseenPending = await PurgeUnseenAsync(connector, kind, claimed, state, seen, basis is not null && pass.AllMatched, claim.State.Fetched, cancellationToken);
            var ended = clock.GetUtcNow();
            await claim.SaveAsync(s => s with
            {
                Status = JobStatus.Completed, EndedAt = ended, LastCompletedAt = ended, DigestsValid = pass.DigestsValid, UnseenPending = unseenPending,
            }, cancellationToken);
            var s = claim.State;
            run.AddUnchanged(s.Unchanged - claimed.Unchanged);
            logger.IncomingJobSucceeded(kind.Name, s.JobId, s.StartedAt, ended, s.Pages, s.Fetched, s.Sent, s.Unchanged, s.PlanhatCalls, s.FirehoseRequests);
        }
        catch (Exception e) when (e is JobClaimLostException || (e is OperationCanceledException && claim.Lost.IsCancellationRequested))
        {
            // Another run holds the job now and carries on from the checkpoint.
            logger.IncomingJobFailed(kind.Name, claim.State.JobId, claim.State.Offset, JobPlanner.RunningElsewhere);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.IncomingJobFailed(kind.Name, claim.State.JobId, claim.State.Offset, e.Message);
            run.Fail(e.Message);
            await MarkFailedAsync(claim, e.Message);
        }
        catch (OperationCanceledException)
        {
            // The host is stopping: free the job for the next run at once instead of after StaleAfter.
            await MarkFailedAsync(claim, "The host stopped during the job.");
            throw;
        }
    }

    /// <summary>
    /// After every page, before the job is saved as completed: purges the hashes of objects this job did
    /// not see, unless it saw the very objects the previous job saw (every page matched its digests, as
    /// many objects) and that job's purge left nothing marked — then there is nothing to find.
    /// </summary>
    /// <returns>Whether rows may be left that a later purge must mark or delete (<see cref="JobState.UnseenPending"/>).</returns>
    private async Task<bool> PurgeUnseenAsync(ConnectorRecord connector, IncomingKind kind, JobState run, JobState? previous, SeenIds? seen, bool allPagesMatched,
        long fetched, CancellationToken cancellationToken)
    {
        if (seen is null)
        {
            return true; // a resumed job saw only part of Planhat
        }

        if (allPagesMatched && previous is { UnseenPending: false } && previous.Fetched == fetched)
        {
            logger.UnseenHashPurgeSkipped(kind.Name, UnseenHashPurge.SamePortfolio);
            return false;
        }

        try
        {
            var previousJobId = previous is { Status: JobStatus.Completed } ? previous.JobId : null;
            var (deleted, marked) = await unseenHashes.RunAsync(connector.Id, kind, run.StartedAt, run.JobId, previousJobId, seen, cancellationToken);
            logger.UnseenHashesPurged(kind.Name, deleted, marked, seen.Count);
            return marked > 0;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The import itself succeeded; the next complete run purges instead.
            logger.UnseenHashPurgeFailed(kind.Name, e.Message);
            return true;
        }
    }

    /// <summary>
    /// Pages through Planhat. Two pages overlap: while one page's hashes are stored and its
    /// checkpoint written, the next is fetched, compared and sent; checkpoints stay in page order.
    /// </summary>
    /// <returns>Whether the next job may trust the page digests this one left (<see cref="JobState.DigestsValid"/>), and whether every page matched the previous job's.</returns>
    private async Task<(bool DigestsValid, bool AllMatched)> PageThroughAsync(ConnectorRecord connector, PlanhatConnection connection, IncomingKind kind, JobClaim claim, SeenIds? seen,
        PageDigestBasis? basis, CancellationToken cancellationToken)
    {
        // Only a job that lists every page from the first, each object once, leaves a set of digests that stands for what Hull has.
        var digestsValid = seen is not null;
        var allMatched = basis is not null;
        var pageSize = options.Value.PageSize;
        var links = kind == IncomingKind.Endusers ? new CompanyLinks(hashes, planhat, connector, connection) : null;
        var lookups = 0;
        var offset = claim.State.Offset;
        var largestEarlier = claim.State.LargestPage;
        Task<IReadOnlyList<JsonObject>>? nextPage = null;
        Task? committing = null;
        try
        {
            while (true)
            {
                var page = await (nextPage ?? planhat.ListPageAsync(connection, kind.Name, pageSize, offset, cancellationToken));
                nextPage = null;
                var last = JobPlanner.IsLastPage(page.Count, pageSize, largestEarlier);
                if (!last)
                {
                    // Offset paging: the next page is fetched while this one goes to Hull; if this one must be fetched again, it is dropped.
                    nextPage = planhat.ListPageAsync(connection, kind.Name, pageSize, offset + page.Count, cancellationToken);
                }

                var delivery = await importer.SendAsync(connector, kind, page, links, new PageContext(offset, claim.State.JobId, basis), cancellationToken);
                var newLookups = (links?.PlanhatCalls ?? 0) - lookups;
                lookups += newLookups;

                // A page Hull did not fully take is fetched again: its accepted objects are unchanged by then.
                var done = delivery.Outcome.Error is null;
                if (done)
                {
                    digestsValid &= seen?.Add(page) == 0 && delivery.NotAccepted == 0;
                    allMatched &= delivery.DigestMatched;
                    offset += page.Count;
                    largestEarlier = Math.Max(largestEarlier, page.Count);
                }

                if (committing is not null)
                {
                    await committing;
                }

                committing = CommitAsync(connector, kind, claim, delivery, page.Count, done, newLookups, cancellationToken);
                if (delivery.Outcome.Error is { } error)
                {
                    await committing;
                    throw new HttpRequestException("Hull did not accept every changed object: " + error);
                }

                if (last)
                {
                    await committing;
                    return (digestsValid, allMatched);
                }
            }
        }
        finally
        {
            await DropAsync(nextPage);
            await DropAsync(committing);
        }
    }

    /// <summary>Stores a sent page's hashes, then writes its checkpoint.</summary>
    private async Task CommitAsync(ConnectorRecord connector, IncomingKind kind, JobClaim claim, PageDelivery delivery, int pageCount, bool done, int newLookups,
        CancellationToken cancellationToken)
    {
        await importer.RecordAsync(connector, delivery, cancellationToken);
        var outcome = delivery.Outcome;
        await claim.SaveAsync(s => s with
        {
            Offset = done ? s.Offset + pageCount : s.Offset,
            LargestPage = Math.Max(s.LargestPage, pageCount),
            Pages = s.Pages + (done ? 1 : 0),
            Fetched = s.Fetched + (done ? pageCount : 0),
            Sent = s.Sent + outcome.Sent,
            Unchanged = s.Unchanged + (done ? outcome.Unchanged : 0),
            PlanhatCalls = s.PlanhatCalls + 1 + newLookups,
            FirehoseRequests = s.FirehoseRequests + outcome.FirehoseRequests,
        }, cancellationToken);
        if (done)
        {
            var st = claim.State;
            logger.IncomingJobProgress(kind.Name, st.JobId, st.Offset, st.Pages, st.Fetched, st.Sent, st.Unchanged);
        }
    }

    /// <summary>
    /// Waits out work started ahead (a page fetched, a page being committed) that the job no longer
    /// waits for, so its failure is observed and nothing runs on after the job.
    /// </summary>
    private static async Task DropAsync(Task? ahead)
    {
        if (ahead is null)
        {
            return;
        }

        try
        {
            await ahead;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The job has already ended (or failed) for its own reason.
        }
    }

    private async Task MarkFailedAsync(JobClaim claim, string error)
    {
        try
        {
            await claim.SaveAsync(s => s with { Status = JobStatus.Failed, LastError = error }, CancellationToken.None);
        }
        catch (Exception e) when (e is JobClaimLostException or Azure.RequestFailedException)
        {
            // Taken over, or storage is down: the stale heartbeat hands the job to the next run.
        }
    }
}
