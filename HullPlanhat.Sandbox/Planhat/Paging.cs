using System.Globalization;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary><c>limit</c>/<c>offset</c> query parsing: default limit 100, clamped to the maximum page size.</summary>
public readonly record struct Paging(int Offset, int Limit)
{
    public const int DefaultLimit = 100;

    public static Paging From(IQueryCollection query, int maxPageSize, int? defaultLimit = DefaultLimit)
    {
        var limit = ParseInt(query["limit"]) is > 0 and var l ? l : defaultLimit ?? int.MaxValue;
        var offset = Math.Max(0, ParseInt(query["offset"]) ?? 0);
        return new Paging(offset, Math.Min(limit, maxPageSize));
    }

    public IEnumerable<T> Apply<T>(IEnumerable<T> source) => source.Skip(Offset).Take(Limit);

    private static int? ParseInt(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result) ? result : null;
}
