using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Planhat;

/// <summary>
/// Rows of a bulk upsert keyed by a Planhat <c>_id</c> that Planhat no longer knows (the object was
/// deleted there): each loses its <c>_id</c> and is sent again, once, in the same flush, keyed by
/// what else it has, instead of failing until it is dead-lettered.
/// </summary>
public static class UnknownIdResend
{
    /// <param name="items">The rows sent; a resent row is changed in place.</param>
    /// <param name="outcomes">Their outcomes; a resent row's is replaced.</param>
    /// <param name="listing">The flush's pass over Planhat's list: it may still name the deleted objects.</param>
    /// <param name="dropped">Called with the row and the id it lost, to log it and give the row its other key.</param>
    /// <param name="upsert">Sends rows as the first upsert did.</param>
    public static async Task ResendAsync(IReadOnlyList<JsonObject> items, BulkRowOutcome[] outcomes, PlanhatListing listing, Action<int, string> dropped,
        Func<List<JsonObject>, Task<BulkRowOutcome[]>> upsert)
    {
        var gone = Enumerable.Range(0, items.Count).Where(i => items[i]["_id"] is not null && outcomes[i].IsUnknownId).ToList();
        if (gone.Count == 0)
        {
            return;
        }

        listing.Forget();
        foreach (var i in gone)
        {
            var id = items[i]["_id"]!.ToString();
            items[i].Remove("_id");
            dropped(i, id);
        }

        var again = await upsert(gone.Select(i => items[i]).ToList());
        for (var k = 0; k < gone.Count; k++)
        {
            outcomes[gone[k]] = again[k];
        }
    }
}
