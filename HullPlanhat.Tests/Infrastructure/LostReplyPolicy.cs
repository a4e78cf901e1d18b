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

    /// <summary>Replies lost so far.</summary>
    public int Lost => Volatile.Read(ref lost);

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
        if (message.Response.Status is >= 200 and < 300 && matches(message.Request) && Interlocked.Decrement(ref remaining) >= 0)
        {
            Interlocked.Increment(ref lost);
            throw new IOException("The reply was lost on its way back.");
        }
    }
}
