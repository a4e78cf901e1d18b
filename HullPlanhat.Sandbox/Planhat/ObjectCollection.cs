using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>
/// Objects of one type in one tenant: by id, in creation order, and indexed by externalId, sourceId,
/// email (case-insensitive) and companyId. Not thread-safe: callers hold the tenant lock.
/// </summary>
public sealed class ObjectCollection
{
    private readonly Dictionary<string, JsonObject> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<JsonObject, long> _sequence = new(ReferenceEqualityComparer.Instance);
    private readonly List<JsonObject> _ordered = [];
    private readonly Dictionary<string, FieldIndex> _indexes;
    private long _nextSequence;
    private bool _orderDirty;

    public ObjectCollection(ObjectKind kind)
    {
        Kind = kind;
        Func<JsonObject, long> seq = o => _sequence[o];
        _indexes = new Dictionary<string, FieldIndex>(StringComparer.Ordinal)
        {
            ["externalId"] = new("externalId", StringComparer.Ordinal, seq),
            ["sourceId"] = new("sourceId", StringComparer.Ordinal, seq),
            ["email"] = new("email", StringComparer.OrdinalIgnoreCase, seq),
            ["companyId"] = new("companyId", StringComparer.Ordinal, seq),
        };
    }

    public ObjectKind Kind { get; }

    public int Count => _byId.Count;

    /// <summary>All objects in creation order.</summary>
    public IReadOnlyList<JsonObject> All
    {
        get
        {
            if (_orderDirty)
            {
                _ordered.RemoveAll(o => !_sequence.ContainsKey(o));
                _orderDirty = false;
            }

            return _ordered;
        }
    }

    public JsonObject? GetById(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Objects whose indexed <paramref name="field"/> equals <paramref name="value"/>, oldest first.</summary>
    public IReadOnlyList<JsonObject> FindBy(string field, string value) => _indexes[field].Find(value);

    public JsonObject? FirstBy(string field, string value) => FindBy(field, value) is { Count: > 0 } found ? found[0] : null;

    /// <summary>Resolves a path key: <c>extid-X</c>, <c>srcid-X</c> or an <c>_id</c>.</summary>
    public JsonObject? Resolve(string key)
    {
        if (key.StartsWith("extid-", StringComparison.Ordinal))
        {
            return FirstBy("externalId", key["extid-".Length..]);
        }

        return key.StartsWith("srcid-", StringComparison.Ordinal)
            ? FirstBy("sourceId", key["srcid-".Length..])
            : GetById(key);
    }

    /// <summary>Adds an object that already carries an <c>_id</c>; an object with the same id is replaced.</summary>
    public void Add(JsonObject obj)
    {
        var id = JsonBody.KeyOf(obj, "_id") ?? throw new ArgumentException("object has no _id", nameof(obj));
        if (_byId.TryGetValue(id, out var existing))
        {
            if (ReferenceEquals(existing, obj))
            {
                return;
            }

            Remove(existing);
        }

        _byId[id] = obj;
        _sequence[obj] = _nextSequence++;
        _ordered.Add(obj);
        foreach (var index in _indexes.Values)
        {
            index.Add(obj);
        }
    }

    /// <summary>Applies <paramref name="mutate"/> to a stored object while keeping the indexes right.</summary>
    public T Mutate<T>(JsonObject obj, Func<JsonObject, T> mutate)
    {
        foreach (var index in _indexes.Values)
        {
            index.Remove(obj);
        }

        try
        {
            return mutate(obj);
        }
        finally
        {
            foreach (var index in _indexes.Values)
            {
                index.Add(obj);
            }
        }
    }

    public bool Remove(JsonObject obj)
    {
        if (JsonBody.KeyOf(obj, "_id") is not { } id || !_byId.Remove(id))
        {
            return false;
        }

        foreach (var index in _indexes.Values)
        {
            index.Remove(obj);
        }

        _sequence.Remove(obj);
        _orderDirty = true;
        return true;
    }
}
