using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// The Planhat objects one import run listed, as 64-bit fingerprints of their <c>hashes</c> row keys
/// (8 bytes an object, about 12 MB for 500,000 in a hash set), so a complete run can tell which stored
/// rows it did not see without holding the portfolio. Two ids sharing a fingerprint only keep a row.
/// </summary>
public sealed class SeenIds
{
    private readonly HashSet<ulong> seen = [];

    public int Count => seen.Count;

    /// <returns>How many of the page's objects this run had listed already (offset paging shifted under a change in Planhat).</returns>
    public int Add(IEnumerable<JsonObject> page)
    {
        var repeated = 0;
        foreach (var item in page)
        {
            // As the mapper reads ids: a string, or a number written as JSON.
            var planhatId = item["_id"] is JsonValue id
                ? id.GetValueKind() switch { JsonValueKind.String => id.GetValue<string>(), JsonValueKind.Number => id.ToJsonString(), _ => null }
                : null;
            if (planhatId is { Length: > 0 })
            {
                if (!seen.Add(Fingerprint(TableKeys.Encode(planhatId))))
                {
                    repeated++;
                }
            }
        }

        return repeated;
    }

    public bool ContainsRow(string rowKey) => seen.Contains(Fingerprint(rowKey));

    private static ulong Fingerprint(string rowKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(rowKey), hash);
        return BitConverter.ToUInt64(hash);
    }
}
