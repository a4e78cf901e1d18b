using System.Globalization;

namespace HullPlanhat.Sandbox.Infrastructure;

/// <summary>The server's clock and its ISO-8601 formatting (Planhat style: millisecond precision, Z).</summary>
public sealed class SandboxClock
{
    public SandboxClock(TimeProvider time) => Time = time;

    public TimeProvider Time { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public string NowIso() => Format(Now);

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
