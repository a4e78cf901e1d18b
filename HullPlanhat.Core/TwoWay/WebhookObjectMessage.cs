using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.TwoWay;

/// <summary>A message on <c>planhat-webhooks</c>: one Planhat record a webhook said changed.</summary>
/// <param name="ObjectType">Planhat collection: <c>companies</c> or <c>endusers</c>.</param>
/// <param name="ReceivedAt">When the webhook arrived (for the change-to-Hull latency).</param>
public sealed record WebhookObjectMessage(string ConnectorId, string ObjectType, string PlanhatId, DateTimeOffset ReceivedAt) : IConnectorMessage;
