namespace HullPlanhat.Sandbox.Faults;

/// <summary>What happens to a write after Planhat applied it.</summary>
public enum AfterWriteFault { None, LostReply, SlowReply }

/// <summary>Thread-safe, seeded fault decision maker (one per tenant or connector).</summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private FaultConfig _config = FaultConfig.None;
    private Random _random = new();
    private long _calls;

    public FaultConfig Config
    {
        get
        {
            lock (_gate)
            {
                return _config;
            }
        }
    }

    public void Configure(FaultConfig config)
    {
        lock (_gate)
        {
            _config = config;
            _random = config.Seed is { } seed ? new Random(seed) : new Random();
            _calls = 0;
        }
    }

    /// <summary>Counts a call and returns the status to fail it with, or null to let it through.</summary>
    public int? NextFault(bool isAnalytics = false)
    {
        lock (_gate)
        {
            if (_config.FailureRate <= 0 || !Applies(isAnalytics))
            {
                return null;
            }

            _calls++;
            if (_calls <= _config.AfterCalls)
            {
                return null;
            }

            if (_random.NextDouble() >= _config.FailureRate)
            {
                return null;
            }

            var statuses = _config.Statuses is { Count: > 0 } s ? s : [500];
            return statuses[_random.Next(statuses.Count)];
        }
    }

    /// <summary>For a write that got through: whether its reply is lost or slow (it is applied either way).</summary>
    public AfterWriteFault NextAfterWrite(bool isAnalytics = false)
    {
        lock (_gate)
        {
            if ((_config.LostReplyRate <= 0 && _config.SlowReplyRate <= 0) || !Applies(isAnalytics))
            {
                return AfterWriteFault.None;
            }

            var draw = _random.NextDouble();
            return draw < _config.LostReplyRate ? AfterWriteFault.LostReply
                : draw < _config.LostReplyRate + _config.SlowReplyRate ? AfterWriteFault.SlowReply
                : AfterWriteFault.None;
        }
    }

    private bool Applies(bool isAnalytics) =>
        isAnalytics ? _config.IncludeAnalytics || _config.AnalyticsOnly : !_config.AnalyticsOnly;
}
