using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Hull;

public enum ReplayClaim
{
    /// <summary>First delivery of this jti (or a takeover of an abandoned one): process it.</summary>
    First,

    /// <summary>Already accepted: answer as before, do nothing.</summary>
    AlreadyAccepted,

    /// <summary>Another request is processing the same jti right now.</summary>
    InProgress,
}

/// <summary>
/// Remembers each signed notification id (<c>jti</c>) until its token expires, in the
/// <c>notificationids</c> table so every instance sees it. A jti is claimed <c>pending</c> before the
/// notification is processed, marked <c>accepted</c> after, and released when processing failed in a
/// way Hull should retry — so Hull's own resend after a failure still goes through. Rows are spread
/// over 256 partitions by a hash of the jti, so the housekeeping purge (<see cref="NotificationIdPurge"/>)
/// deletes expired ones in transactions of up to 100.
/// </summary>
public sealed class NotificationReplayGuard(StorageClients storage, TimeProvider clock)
{
    public const string TableName = "notificationids";
    private const string Pending = "pending";
    private const string Accepted = "accepted";

    /// <summary>
    /// A pending claim older than this is taken to be from a crashed request, so Hull's resend after
    /// a host was killed mid-request goes through soon. Accepting a notification takes well under
    /// this (p95 under 2 s at 500k objects on the emulator); one slower than this may be processed
    /// twice, which only queues its messages twice: the writes they lead to are idempotent.
    /// </summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(30);

    private readonly Lazy<Task> created = new(() => storage.Table(TableName).CreateIfNotExistsAsync());

    private TableClient Table => storage.Table(TableName);

    private const string ClaimIdColumn = "ClaimId";

    public async Task<ReplayClaim> ClaimAsync(string jti, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await created.Value;
        var now = clock.GetUtcNow();
        var claimId = Guid.NewGuid().ToString("N");
        var entity = new TableEntity(Partition(jti), TableKeys.Encode(jti))
        {
            ["State"] = Pending,
            ["ClaimedAt"] = now,
            ["ExpiresAt"] = expires,
            [ClaimIdColumn] = claimId,
        };
        try
        {
            await Table.AddEntityAsync(entity, cancellationToken);
            return ReplayClaim.First;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }

        var existing = (await Table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken)).Value;
        if (existing is null)
        {
            return await ClaimAsync(jti, expires, cancellationToken);
        }

        if (existing.GetString(ClaimIdColumn) == claimId)
        {
            // Our own insert, retried by the storage client after a lost answer: still the first claim.
            return ReplayClaim.First;
        }

        var expired = existing.GetDateTimeOffset("ExpiresAt") is { } remembered && remembered < now;
        var abandoned = existing.GetString("State") == Pending && existing.GetDateTimeOffset("ClaimedAt") is { } claimed && now - claimed > AbandonedAfter;
        if (!expired && !abandoned)
        {
            return existing.GetString("State") == Accepted ? ReplayClaim.AlreadyAccepted : ReplayClaim.InProgress;
        }

        // A takeover whose reply was lost, met by storage's retry (412), is still this request's claim.
        return await ConditionalRowWrite.TryWriteAsync(Table, entity, existing.ETag, cancellationToken) is not null ? ReplayClaim.First : ReplayClaim.InProgress;
    }

    public async Task AcceptAsync(string jti, CancellationToken cancellationToken) =>
        await Table.UpdateEntityAsync(new TableEntity(Partition(jti), TableKeys.Encode(jti)) { ["State"] = Accepted }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>Forgets the claim so Hull's resend of the same notification is processed.</summary>
    public async Task ReleaseAsync(string jti, CancellationToken cancellationToken) =>
        await Table.DeleteEntityAsync(Partition(jti), TableKeys.Encode(jti), ETag.All, cancellationToken);

    /// <summary>One of 256 partitions (two hex digits of the jti's SHA-256).</summary>
    public static string Partition(string jti) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jti)), 0, 1);
}
