namespace HullPlanhat.Core.Outgoing;

/// <summary>
/// Whether a mapped object still has to go to Planhat, given what Planhat last accepted for it.
/// Pure: the flusher applies it to a staged chunk, the preview to one object.
/// </summary>
public static class SyncDecision
{
    /// <returns>The skip reason, or null when the object must be sent.</returns>
    public static string? SkipReason(string hash, long version, SyncState? accepted) =>
        accepted is null ? null
        : ChangeVersion.IsOlder(version, accepted.Version) ? SkipReasons.OlderChange // never let an older change overwrite a newer one
        : accepted.Hash == hash ? SkipReasons.AlreadyInSync
        : null;
}
