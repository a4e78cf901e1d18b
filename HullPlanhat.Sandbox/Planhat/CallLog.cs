namespace HullPlanhat.Sandbox.Planhat;

/// <summary>One recorded Planhat API call. <see cref="Path"/> is relative to /planhat or /planhat-analytics.</summary>
public sealed record SandboxCall(string Method, string Path, string Query, int Status, int? ItemCount, DateTimeOffset At);

/// <summary>Per-tenant call log. Thread-safe.</summary>
public sealed class CallLog
{
    private readonly Lock _gate = new();
    private readonly List<SandboxCall> _calls = [];

    public void Add(SandboxCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    public IReadOnlyList<SandboxCall> Snapshot()
    {
        lock (_gate)
        {
            return [.. _calls];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }
}
