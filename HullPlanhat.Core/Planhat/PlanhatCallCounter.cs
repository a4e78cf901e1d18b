namespace HullPlanhat.Core.Planhat;

/// <summary>
/// Counts the Planhat calls (every attempt, retries included) made inside a scope, so a flush can
/// report the calls it really made. <see cref="PlanhatRateLimitHandler"/> counts; the scope flows
/// with the async context into every call the work starts, parallel ones included.
/// </summary>
public sealed class PlanhatCallCounter
{
    private readonly AsyncLocal<Scope?> current = new();

    /// <summary>Starts counting the calls of the current async flow until the scope is disposed.</summary>
    public Scope Begin()
    {
        var scope = new Scope(this, current.Value);
        current.Value = scope;
        return scope;
    }

    /// <summary>One call made: counts it in the current scope and in the scopes around it.</summary>
    public void Count()
    {
        for (var scope = current.Value; scope is not null; scope = scope.Outer)
        {
            scope.Add();
        }
    }

    public sealed class Scope : IDisposable
    {
        private readonly PlanhatCallCounter owner;
        private int calls;

        internal Scope(PlanhatCallCounter owner, Scope? outer)
        {
            this.owner = owner;
            Outer = outer;
        }

        internal Scope? Outer { get; }

        public int Calls => Volatile.Read(ref calls);

        internal void Add() => Interlocked.Increment(ref calls);

        public void Dispose() => owner.current.Value = Outer;
    }
}
