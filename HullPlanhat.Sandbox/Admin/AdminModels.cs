using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HullPlanhat.Sandbox.Admin;

/// <summary>Body of <c>POST /_sandbox/tenants</c>.</summary>
public sealed record CreateTenantRequest(string Token, string TenantId, int? RequestsPerMinute = null, List<JsonObject>? Users = null);

/// <summary>A tenant as returned by the admin API.</summary>
public sealed record SandboxTenant(string Token, string TenantId, int RequestsPerMinute);

/// <summary>Body of <c>PUT /_sandbox/tenants/{token}/rate-limit</c>.</summary>
public sealed record RateLimitRequest(int? RequestsPerMinute);

/// <summary>Body of <c>PUT /_sandbox/tenants/{token}/webhook</c>: where the tenant's Automation posts changes.</summary>
public sealed record WebhookRequest(string? Url);

/// <summary>Body of <c>POST /_sandbox/hull/sign</c>.</summary>
public sealed record SignRequest([property: JsonPropertyName("notification_id")] string? NotificationId, bool Forged = false);

/// <summary>Answer of <c>POST /_sandbox/hull/sign</c>.</summary>
public sealed record SignResponse(string Signature, string PublicKeyUrl);
