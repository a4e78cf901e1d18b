using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.SelfHost.Hosting;

/// <summary>
/// A blob lease per function name, so a timer function runs on one instance at a time across all
/// hosts sharing the storage account (as the Functions runtime does for timers). For a scheduled
/// run the blob also records the last occurrence run, so an occurrence runs once across instances
/// even when one instance finished before another woke up for the same tick.
/// </summary>
public sealed class FunctionLock(StorageClients storage, ILogger<FunctionLock> logger)
{
    // The shortest lease storage grants (as the Functions runtime's singleton lock): after a crash another instance takes over within 15 s.
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    private const string OccurrenceMetadata = "lastoccurrence";

    /// <param name="occurrence">The schedule's tick this run is for; null for a run on demand.</param>
    /// <returns>False when another instance holds the lock and <paramref name="waitFor"/> ran out, or already ran <paramref name="occurrence"/>.</returns>
    public async Task<bool> RunExclusiveAsync(string name, TimeSpan waitFor, Func<CancellationToken, Task> work, CancellationToken cancellationToken,
        DateTimeOffset? occurrence = null)
    {
        await storage.EnsureCreatedAsync();
        var blob = storage.Container(StorageNames.LocksContainer).GetBlobClient(name);
        if (!await blob.ExistsAsync(cancellationToken))
        {
            try
            {
                await blob.UploadAsync(BinaryData.FromString(name), overwrite: false, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Created by another instance, or leased already.
            }
        }

        var lease = blob.GetBlobLeaseClient();
        var deadline = DateTimeOffset.UtcNow + waitFor;
        while (!await TryAcquireAsync(lease, cancellationToken))
        {
            if (DateTimeOffset.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        // A lease that cannot be renewed may be taken by another instance: the work stops with it.
        using var working = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewAsync(lease, working, renewing.Token);
        try
        {
            if (occurrence is { } tick && !await ClaimOccurrenceAsync(blob, lease.LeaseId, tick, cancellationToken))
            {
                return false;
            }

            await work(working.Token);
            return true;
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
            try
            {
                await lease.ReleaseAsync(cancellationToken: CancellationToken.None);
            }
            catch (RequestFailedException e)
            {
                logger.LogWarning("Could not release the lock of {Function}: {Status}", name, e.Status);
            }
        }
    }

    /// <summary>Records <paramref name="occurrence"/> as run, under the lease; false when it (or a later one) already ran.</summary>
    private static async Task<bool> ClaimOccurrenceAsync(BlobClient blob, string leaseId, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
        var ticks = occurrence.UtcTicks.ToString(CultureInfo.InvariantCulture);
        if (properties.Value.Metadata.TryGetValue(OccurrenceMetadata, out var last)
            && long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastTicks) && lastTicks >= occurrence.UtcTicks)
        {
            return false;
        }

        await blob.SetMetadataAsync(new Dictionary<string, string> { [OccurrenceMetadata] = ticks },
            new BlobRequestConditions { LeaseId = leaseId }, cancellationToken);
        return true;
    }

    private static async Task<bool> TryAcquireAsync(BlobLeaseClient lease, CancellationToken cancellationToken)
    {
        try
        {
            await lease.AcquireAsync(LeaseDuration, cancellationToken: cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    private async Task RenewAsync(BlobLeaseClient lease, CancellationTokenSource working, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(RenewEvery, cancellationToken);
                await lease.RenewAsync(cancellationToken: cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException)
        {
            logger.LogWarning("Lost a function lock lease ({Error}); the function stops until it holds the lock again.", e.Message);
            await working.CancelAsync();
        }
    }
}
