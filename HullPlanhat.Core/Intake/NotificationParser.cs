using System.Text.Json;
using System.Text.Unicode;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Json;

namespace HullPlanhat.Core.Intake;

/// <param name="Notification">The body, or null when it is not a notification.</param>
/// <param name="Error">Why the body as a whole was refused.</param>
/// <param name="Repaired">Invalid UTF-8 was replaced with U+FFFD.</param>
/// <param name="Body">The bytes that were parsed (repaired when needed).</param>
public sealed record ParsedNotification(HullNotification? Notification, string? Error, bool Repaired, byte[] Body);

/// <summary>Reads an untrusted notification body (pure): never throws for any bytes.</summary>
public static class NotificationParser
{
    public static ParsedNotification Parse(byte[] body)
    {
        var repaired = !Utf8.IsValid(body);
        if (repaired)
        {
            body = UntrustedJson.RepairUtf8(body);
        }

        try
        {
            return JsonSerializer.Deserialize(body, IntakeJsonContext.Default.HullNotification) is { } notification
                ? new(notification, null, repaired, body)
                : new(null, "The body is not a notification object.", repaired, body);
        }
        catch (JsonException e)
        {
            return new(null, $"Malformed JSON: {e.Message}", repaired, body);
        }
    }
}
