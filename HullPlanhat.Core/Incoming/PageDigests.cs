using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Incoming;

/// <summary>The previous import job whose page digests a fresh job may trust (<see cref="PageDigests"/>).</summary>
public sealed record PageDigestBasis(string PreviousJobId, DateTimeOffset PreviousStartedAt);

/// <summary>Where a page sits in an import job: digests are read and written only for pages of a job.</summary>
public sealed record PageContext(int Offset, string JobId, PageDigestBasis? Basis);

/// <summary>
/// One row per page offset of an import: a digest of the page's (Planhat id, hash) pairs, written after
/// Hull took every changed object of the page, with the job that wrote it. A page whose digest equals
/// the one the previous complete job wrote at the same offset holds exactly what Hull last received, so
/// its stored hashes are not read: an unchanged run of 1,000,000 endusers reads 200 digests instead of
/// 1,000,000 hash rows (on Azure a hash partition serves ≈ 2,000 entities/s).
/// <para>
/// A digest is trusted only when nothing but the page import wrote hashes since the previous job
/// started: a webhook's import or a resync first stamps the <see cref="ChangedOutsideRow"/>, which
/// makes every digest older than it untrusted until a job has compared every page row by row again.
/// Which job's digests are trusted at all is the runner's call (<see cref="PageDigestBasis"/>).
/// </para>
/// </summary>
public sealed class PageDigests(StorageClients storage, TimeProvider clock)
{
    public const string ChangedOutsideRow = "changed-outside";
    private const string DigestColumn = "Digest";
    private const string JobIdColumn = "JobId";
    private const string AtColumn = "At";

    /// <summary>Hosts' clocks differ: a stamp this close before the previous job started still counts as after it.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private TableClient Table => storage.Table(StorageNames.HashesTable);

    public static string Partition(string connectorId, IncomingKind kind) => HashStore.Partition(connectorId, kind) + "~pages";

    public static string RowKey(int offset) => $"p{offset:D10}";

    /// <summary>The digest of a mapped page: its objects' ids and hashes, in id order.</summary>
    public static string Of(IEnumerable<IncomingObject> mapped)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var item in mapped.OrderBy(o => o.PlanhatId, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(item.PlanhatId));
            sha.AppendData("\n"u8);
            sha.AppendData(Encoding.UTF8.GetBytes(item.Hash));
            sha.AppendData("\n"u8);
        }

        return Convert.ToBase64String(sha.GetHashAndReset());
    }

    /// <summary>Whether the previous job left this very digest at <paramref name="offset"/> and nothing else wrote hashes since it started.</summary>
    public async Task<bool> MatchesAsync(string connectorId, IncomingKind kind, int offset, string digest, PageDigestBasis basis, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = Partition(connectorId, kind);
        var page = Table.GetEntityIfExistsAsync<TableEntity>(partition, RowKey(offset), [DigestColumn, JobIdColumn], cancellationToken);
        var outside = Table.GetEntityIfExistsAsync<TableEntity>(partition, ChangedOutsideRow, [AtColumn], cancellationToken);
        var (pageRow, outsideRow) = (await page, await outside);
        var changedOutside = outsideRow.HasValue && outsideRow.Value?.GetDateTimeOffset(AtColumn) is { } at && at + ClockSkew >= basis.PreviousStartedAt;
        return !changedOutside && pageRow.HasValue && pageRow.Value is { } row
            && row.GetString(JobIdColumn) == basis.PreviousJobId && row.GetString(DigestColumn) == digest;
    }

    public async Task SaveAsync(string connectorId, IncomingKind kind, PageContext page, string digest, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        await Table.UpsertEntityAsync(new TableEntity(Partition(connectorId, kind), RowKey(page.Offset))
        {
            [DigestColumn] = digest,
            [JobIdColumn] = page.JobId,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Stamps a write of hashes outside a page import (webhook, resync). Call it BEFORE the write.</summary>
    public async Task MarkChangedOutsideAsync(string connectorId, IncomingKind kind, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        await Table.UpsertEntityAsync(new TableEntity(Partition(connectorId, kind), ChangedOutsideRow) { [AtColumn] = clock.GetUtcNow() },
            TableUpdateMode.Replace, cancellationToken);
    }
}
