using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Json;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// The change-detection hash of a Planhat object: the canonical JSON (sorted keys) of exactly what
/// would be sent to Hull — entry types, subjects, identity claims (so a new account link counts as a
/// change) and traits. Hashing the mapped entries rather than the raw object means keys Hull never
/// receives (<c>__v</c>, <c>shareable</c>) cannot cause sends, and a mapping change re-sends once.
/// </summary>
public static class IncomingHash
{
    /// <summary>
    /// Left out: <c>planhat/updated_at</c> (Planhat's <c>updatedAt</c>). Planhat rewrites it on every PUT
    /// even when nothing changed (planhat-api.md §7), and this connector's own outgoing bulk upserts PUT
    /// every changed Hull object; hashing it would echo each of those back to Hull as a billable, empty
    /// change. When anything else changes, the entry is sent whole, with the current <c>updatedAt</c>.
    /// </summary>
    public static readonly IReadOnlySet<string> VolatileTraits = new HashSet<string>(StringComparer.Ordinal) { PlanhatTraitNames.Group + "updated_at" };

    /// <summary>
    /// The canonical JSON of the entries as <c>[{account, body, subject, type, user}]</c>, written
    /// straight from the entries (no copies): it runs for every object of every fetch.
    /// </summary>
    public static string Of(IReadOnlyList<FirehoseEntry> entries) => CanonicalJson.Hash(writer =>
    {
        writer.WriteStartArray();
        foreach (var entry in entries)
        {
            // Keys in ordinal order, as CanonicalJson sorts them.
            writer.WriteStartObject();
            writer.WritePropertyName("account");
            CanonicalJson.Write(writer, entry.AccountClaims);
            writer.WritePropertyName("body");
            CanonicalJson.WriteObject(writer, entry.Body, key => !VolatileTraits.Contains(key));
            writer.WriteString("subject", entry.SubjectType);
            writer.WriteString("type", entry.Type);
            writer.WritePropertyName("user");
            CanonicalJson.Write(writer, entry.UserClaims);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });
}
