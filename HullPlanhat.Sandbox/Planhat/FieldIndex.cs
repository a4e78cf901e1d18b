using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>Index of stored objects by one scalar field; each bucket is kept in creation order.</summary>
internal sealed class FieldIndex
{
    private static readonly IReadOnlyList<JsonObject> Empty = [];
    private readonly Dictionary<string, List<JsonObject>> _buckets;
    private readonly Func<JsonObject, long> _sequence;

    public FieldIndex(string field, StringComparer comparer, Func<JsonObject, long> sequence)
    {
        Field = field;
        _buckets = new Dictionary<string, List<JsonObject>>(comparer);
        _sequence = sequence;
    }

    public string Field { get; }

    public IReadOnlyList<JsonObject> Find(string value) =>
        _buckets.TryGetValue(value, out var bucket) ? bucket : Empty;

    public void Add(JsonObject obj)
    {
        if (JsonBody.KeyOf(obj, Field) is not { } key)
        {
            return;
        }

        if (!_buckets.TryGetValue(key, out var bucket))
        {
            _buckets[key] = [obj];
            return;
        }

        var seq = _sequence(obj);
        var at = bucket.Count;
        while (at > 0 && _sequence(bucket[at - 1]) > seq)
        {
            at--;
        }

        bucket.Insert(at, obj);
    }

    public void Remove(JsonObject obj)
    {
        if (JsonBody.KeyOf(obj, Field) is not { } key || !_buckets.TryGetValue(key, out var bucket))
        {
            return;
        }

        bucket.Remove(obj);
        if (bucket.Count == 0)
        {
            _buckets.Remove(key);
        }
    }
}
