using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Testing;

/// <summary>A log line as the product wrote it: Hull event name, fields and scope values.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string? EventName, string Message,
    IReadOnlyDictionary<string, object?> Data, IReadOnlyDictionary<string, object?> Context, Exception? Exception = null)
{
    public string? this[string key] => Data.TryGetValue(key, out var value) ? value?.ToString() : null;
}

/// <summary>Records every log line of the hosted product so tests can assert on Hull's log names.</summary>
/// <param name="keep">Which Hull event names to keep; null keeps every line.</param>
public sealed class CapturedLogs(Func<string?, bool>? keep = null) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> entries = new();
    private readonly Func<string?, bool>? keep = keep;
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> All => entries.ToArray();

    /// <summary>Lines with the given Hull name, written for the given connector.</summary>
    public IReadOnlyList<CapturedLog> For(string connectorId, string eventName) =>
        entries.Where(e => e.EventName == eventName && e.Context.TryGetValue("id", out var id) && id as string == connectorId).ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(string category, CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner.keep?.Invoke(eventId.Name) == false)
            {
                return;
            }

            var data = new Dictionary<string, object?>();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    data[key] = value;
                }
            }

            var context = new Dictionary<string, object?>();
            owner.scopes.ForEachScope((scope, ctx) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> scoped)
                {
                    foreach (var (key, value) in scoped)
                    {
                        ctx[key] = value;
                    }
                }
            }, context);
            owner.entries.Enqueue(new CapturedLog(category, logLevel, eventId.Name, formatter(state, exception), data, context, exception));
        }
    }
}
