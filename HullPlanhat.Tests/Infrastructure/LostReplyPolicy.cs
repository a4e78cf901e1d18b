using Azure.Core;
using Azure.Core.Pipeline;

namespace HullPlanhat.Tests.Infrastructure;

/// <summary>
/// Storage answered, but the reply never reached us: the request matching <paramref name="matches"/>
/// is applied by storage and then fails with an <see cref="IOException"/>, so storage's client retries it
/// (the first <paramref name="times"/> such requests).
/// </summary>
public sealed class LostReplyPolicy(Func<Request, bool> matches, int times = 1) : HttpPipelinePolicy
{
    private int remaining = times;
    private int lost;

    private int matched;

    /// <summary>Replies lost so far.</summary>
    public int Lost => Volatile.Read(ref lost);

    /// <summary>Attempts that matched and were answered, their replies lost or not.</summary>
    public int Matched => Volatile.Read(ref matched);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        LoseIfMatching(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        LoseIfMatching(message);
    }

    private void LoseIfMatching(HttpMessage message)
    {
        if (!matches(message.Request))
        {
            return;
        }

        Interlocked.Increment(ref matched);
        if (message.Response.Status is >= 200 and < 300 && Interlocked.Decrement(ref remaining) >= 0)
        {
            Interlocked.Increment(ref lost);
            throw new IOException("The reply was lost on its way back.");
        }
    }
}
