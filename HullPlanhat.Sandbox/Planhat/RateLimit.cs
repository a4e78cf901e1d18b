namespace HullPlanhat.Sandbox.Planhat;

/// <summary>Fixed 60-second window request counter (one per tenant). Thread-safe.</summary>
public sealed class RateLimit
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _count;

    public RateLimit(TimeProvider time, int limit)
    {
        _time = time;
        Limit = limit;
    }

    public int Limit { get; private set; }

    public readonly record struct Decision(bool Allowed, int Limit, int Remaining);

    /// <summary>Counts one request and says whether it is within the limit.</summary>
    public Decision Hit()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (now - _windowStart >= Window)
            {
                _windowStart = now;
                _count = 0;
            }

            _count++;
            return new Decision(_count <= Limit, Limit, Math.Max(0, Limit - _count));
        }
    }

    /// <summary>Changes the limit and starts a fresh window.</summary>
    public void Reset(int? limit = null)
    {
        lock (_gate)
        {
            Limit = limit ?? Limit;
            _windowStart = DateTimeOffset.MinValue;
            _count = 0;
        }
    }
}
