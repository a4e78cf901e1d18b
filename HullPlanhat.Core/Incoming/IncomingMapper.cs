using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;

namespace HullPlanhat.Core.Incoming;

/// <summary>A Planhat object as it goes to Hull: the firehose entries sent together, and their hash.</summary>
/// <param name="PlanhatId">Planhat <c>_id</c>.</param>
/// <param name="Claims">The subject's identity claims (account claims for a company, user claims for an enduser).</param>
/// <param name="Entries">Entries that must reach Hull in the same request (a user's traits and its account link).</param>
/// <param name="Hash">See <see cref="IncomingHash"/>.</param>
public sealed record IncomingObject(string PlanhatId, JsonObject Claims, IReadOnlyList<FirehoseEntry> Entries, string Hash)
{
    private readonly Lazy<IReadOnlyDictionary<string, string>?> fields = new((IReadOnlyDictionary<string, string>?)null);

    /// <summary>Per-field fingerprints of the Planhat object (<see cref="TwoWay.FieldFingerprints"/>), computed when first read.</summary>
    public IReadOnlyDictionary<string, string>? Fields => fields.Value;

    /// <summary>How <see cref="Fields"/> is computed: only objects that changed need it, so an unchanged fetch never hashes per field.</summary>
    public Func<IReadOnlyDictionary<string, string>?> FieldsOf { init => fields = new(value); }

    /// <summary>Planhat's <c>updatedAt</c>, as it came.</summary>
    public string? UpdatedAt { get; init; }
}

/// <summary>
/// Planhat company → Hull account and enduser → Hull user (§6.3, §6.4), plus the link of each user
/// to its company's account that the original forgot.
/// </summary>
public static class IncomingMapper
{
    /// <summary>Planhat ids are 24 hex digits: a far longer one is not an id (and would not fit a table key).</summary>
    public const int MaxIdLength = 200;

    /// <summary>Identity values (external id, email, domain) go into table properties and firehose tokens.</summary>
    public const int MaxIdentityLength = Outgoing.IdentityLimits.MaxLength;

    /// <summary>Nesting the firehose's JSON (64 levels, a few taken by its envelope) carries with room to spare.</summary>
    public const int MaxDepth = 32;

    public const string NoUsableId = "The object has no usable _id (a non-empty string or a number, at most 200 characters).";
    public const string IdentityTooLong = "An identity value (externalId, email or domain) is longer than 500 characters.";
    public const string TooDeep = "The object is nested deeper than 32 levels.";

    public static string AnonymousId(string planhatId) => "planhat:" + planhatId;

    /// <summary>Why a Planhat object cannot go to Hull as it is (its values are Planhat users' data); null when it can.</summary>
    public static string? SkipReason(JsonObject source) =>
        PlanhatId(source) is null ? NoUsableId
        : new[] { source["externalId"], source["email"], source["domains"] is JsonArray { Count: 1 } domains ? domains[0] : null }
            .Any(v => Truthy(v) is { Length: > MaxIdentityLength }) ? IdentityTooLong
        : DeeperThan(source, MaxDepth) ? TooDeep
        : null;

    private static bool DeeperThan(JsonNode? node, int levels) => node switch
    {
        _ when levels < 0 => true,
        JsonObject o => o.Any(p => DeeperThan(p.Value, levels - 1)),
        JsonArray a => a.Any(v => DeeperThan(v, levels - 1)),
        _ => false,
    };

    /// <summary><c>anonymous_id</c>, <c>external_id</c> when truthy, <c>domain</c> only when there is exactly one.</summary>
    public static JsonObject? CompanyClaims(JsonObject company)
    {
        if (Truthy(company["_id"]) is not { } id)
        {
            return null;
        }

        var claims = new JsonObject { ["anonymous_id"] = AnonymousId(id) };
        if (Truthy(company["externalId"]) is { } externalId)
        {
            claims["external_id"] = externalId;
        }

        if (company["domains"] is JsonArray { Count: 1 } domains && Truthy(domains[0]) is { } domain)
        {
            claims["domain"] = domain;
        }

        return claims;
    }

    /// <summary><c>anonymous_id</c>, <c>external_id</c> and <c>email</c> when truthy.</summary>
    public static JsonObject? EnduserClaims(JsonObject enduser)
    {
        if (Truthy(enduser["_id"]) is not { } id)
        {
            return null;
        }

        var claims = new JsonObject { ["anonymous_id"] = AnonymousId(id) };
        if (Truthy(enduser["externalId"]) is { } externalId)
        {
            claims["external_id"] = externalId;
        }

        if (Truthy(enduser["email"]) is { } email)
        {
            claims["email"] = email;
        }

        return claims;
    }

    /// <summary>
    /// <c>planhat/{snake_case}</c> per key; <c>_id</c> → <c>planhat/id</c>; other <c>_</c>-keys skipped;
    /// companies also map <c>lastUpdated</c> → <c>planhat/last_updated_at</c> and skip <c>shareable</c>;
    /// <c>name</c> also goes to the top-level <c>name</c> with <c>setIfNull</c>.
    /// </summary>
    public static JsonObject Traits(JsonObject source, IncomingKind kind)
    {
        var traits = new JsonObject();
        foreach (var (key, value) in source)
        {
            var trait = key switch
            {
                "_id" => PlanhatTraitNames.Group + "id",
                _ when key.StartsWith('_') => null,
                "shareable" when kind == IncomingKind.Companies => null,
                "lastUpdated" when kind == IncomingKind.Companies => PlanhatTraitNames.Group + "last_updated_at",
                _ => PlanhatTraitNames.Trait(key),
            };
            if (trait is not null && trait != PlanhatTraitNames.Group)
            {
                traits[trait] = value?.DeepClone();
            }
        }

        if (source["name"] is { } name)
        {
            traits["name"] = new JsonObject { ["value"] = name.DeepClone(), ["operation"] = "setIfNull" };
        }

        return traits;
    }

    public static IncomingObject? MapCompany(JsonObject company)
    {
        if (SkipReason(company) is not null || CompanyClaims(company) is not { } claims)
        {
            return null;
        }

        FirehoseEntry[] entries = [FirehoseEntry.AccountTraits(claims, Traits(company, IncomingKind.Companies))];
        return new IncomingObject(PlanhatId(company)!, claims, entries, IncomingHash.Of(entries))
        {
            FieldsOf = () => TwoWay.FieldFingerprints.OfImported(company, IncomingKind.Companies),
            UpdatedAt = UpdatedAt(company),
        };
    }

    /// <param name="enduser">The Planhat enduser.</param>
    /// <param name="companyClaims">Its company's account claims (as <see cref="CompanyClaims"/> built them), to link the user; null when it has none.</param>
    public static IncomingObject? MapEnduser(JsonObject enduser, JsonObject? companyClaims)
    {
        if (SkipReason(enduser) is not null || EnduserClaims(enduser) is not { } claims)
        {
            return null;
        }

        var traits = FirehoseEntry.UserTraits(claims, Traits(enduser, IncomingKind.Endusers));
        // A user-subject traits call cannot carry the link: §2.4 links with an account-subject entry.
        FirehoseEntry[] entries = companyClaims is { Count: > 0 }
            ? [traits, FirehoseEntry.Link(claims, (JsonObject)companyClaims.DeepClone())]
            : [traits];
        return new IncomingObject(PlanhatId(enduser)!, claims, entries, IncomingHash.Of(entries))
        {
            FieldsOf = () => TwoWay.FieldFingerprints.OfImported(enduser, IncomingKind.Endusers, companyClaims is { Count: > 0 } ? companyClaims : null),
            UpdatedAt = UpdatedAt(enduser),
        };
    }

    private static string? UpdatedAt(JsonObject source) =>
        source["updatedAt"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The id a Planhat object is mapped and stored under; null for an object the mapping skips (no id).</summary>
    public static string? PlanhatId(JsonObject source) => Truthy(source["_id"]) is { Length: <= MaxIdLength } id ? id : null;

    /// <summary>The company id an enduser points at, if any (one far longer than an id points at nothing).</summary>
    public static string? CompanyId(JsonObject enduser) => Truthy(enduser["companyId"]) is { Length: <= MaxIdLength } id ? id : null;

    // JavaScript truthiness for the id-like values the original tested: non-empty strings, non-zero numbers.
    private static string? Truthy(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String when value.GetValue<string>() is { Length: > 0 } s => s,
            JsonValueKind.Number when value.GetValue<double>() != 0 => value.ToJsonString(),
            _ => null,
        }
        : null;
}
