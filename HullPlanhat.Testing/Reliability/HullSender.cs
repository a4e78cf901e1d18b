using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;

namespace HullPlanhat.Testing.Reliability;

/// <summary>
/// Sends notifications as Hull's platform does: one at a time per target, and the same notification
/// again (same id) after an answer that asks for a retry, a 5xx, or no answer at all (host down).
/// </summary>
public sealed class HullSender(NotificationSender sender, Func<int, Uri> target)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(10);
    private int resends;

    /// <summary>Notifications sent again because the first try was not accepted.</summary>
    public int Resends => Volatile.Read(ref resends);

    /// <summary>Sends each notification until accepted; <c>target(i)</c> names the host for the i-th (read again on each resend).</summary>
    public async Task SendAllAsync(IEnumerable<string> notifications, CancellationToken cancellationToken = default)
    {
        var i = 0;
        foreach (var notification in notifications)
        {
            await SendUntilAcceptedAsync(notification, i++, cancellationToken);
        }
    }

    private async Task SendUntilAcceptedAsync(string notification, int index, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + GiveUpAfter;
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0)
            {
                Interlocked.Increment(ref resends);
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }

            try
            {
                using var response = await sender.SendAsync(new Uri(target(index), "smart-notifier"), notification, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode && !AsksForRetry(body))
                {
                    return;
                }

                if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests) && (int)response.StatusCode < 500
                    && !AsksForRetry(body))
                {
                    throw new InvalidOperationException($"The connector refused a notification: {(int)response.StatusCode} {body}");
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Host down (killed, restarting): Hull tries again.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested && DateTime.UtcNow < deadline)
            {
                // No answer in time: Hull tries again.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException("A notification was not accepted within " + GiveUpAfter);
            }
        }
    }

    private static bool AsksForRetry(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["flow_control"]?["type"]?.ToString() == "retry";
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
