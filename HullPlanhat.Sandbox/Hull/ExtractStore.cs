using System.Collections.Concurrent;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>Batch extracts the Sandbox's Hull serves at <c>/hull/extracts/{id}</c> (JSON lines, as Hull exports them), and how often each was fetched.</summary>
public sealed class ExtractStore
{
    private readonly ConcurrentDictionary<string, Extract> _extracts = new(StringComparer.Ordinal);

    public string Add(string jsonLines)
    {
        var id = Guid.NewGuid().ToString("N");
        _extracts[id] = new Extract(jsonLines);
        return id;
    }

    /// <summary>The extract's lines, counting the fetch; null when unknown.</summary>
    public string? Fetch(string id)
    {
        if (!_extracts.TryGetValue(id, out var extract))
        {
            return null;
        }

        Interlocked.Increment(ref extract.Fetches);
        return extract.Lines;
    }

    public int? FetchCount(string id) => _extracts.TryGetValue(id, out var extract) ? Volatile.Read(ref extract.Fetches) : null;

    private sealed class Extract(string lines)
    {
        public readonly string Lines = lines;
        public int Fetches;
    }
}
