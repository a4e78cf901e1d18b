namespace HullPlanhat.Sandbox.Hull;

/// <summary>How <see cref="NotificationSender"/> may tamper with a notification's signature.</summary>
/// <param name="JtiOverride">Sign this jti instead of the body's notification_id.</param>
/// <param name="ForgedKey">Sign with a key pair whose public key is NOT the one served.</param>
/// <param name="OmitSignatureHeaders">Send only <c>x-hull-smart-notifier: true</c>, no signature headers.</param>
/// <param name="OmitExpiry">Sign a token without <c>exp</c>.</param>
/// <param name="RegisterConnector">Register the body's <c>configuration</c> with the fake Hull (false: an attacker's body Hull never issued).</param>
public sealed record SignatureOptions(
    string? JtiOverride = null, bool ForgedKey = false, bool OmitSignatureHeaders = false, bool OmitExpiry = false, bool RegisterConnector = true)
{
    public static SignatureOptions Valid { get; } = new();
}
