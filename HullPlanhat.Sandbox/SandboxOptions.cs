namespace HullPlanhat.Sandbox;

/// <summary>Options of a <see cref="SandboxServer"/>.</summary>
public sealed class SandboxOptions
{
    /// <summary>Loopback port to bind; 0 picks a free port.</summary>
    public int Port { get; set; } = 0;

    /// <summary>Default per-tenant Planhat limit per fixed 60-second window (429 above it).</summary>
    public int RequestsPerMinute { get; set; } = 200;

    /// <summary>Largest <c>limit</c> honoured by list endpoints (larger values are clamped).</summary>
    public int MaxPageSize { get; set; } = 5000;

    /// <summary>Clock used for timestamps and the rate-limit window (tests may pass a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>When true, Kestrel/ASP.NET Core log warnings to the console; otherwise logging is off.</summary>
    public bool EnableLogging { get; set; }
}
