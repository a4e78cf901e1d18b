using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.TwoWay;

/// <summary>
/// <c>IncomingWebhookObject</c> (queue <c>planhat-webhooks</c>): reads the record a webhook named from
/// Planhat (one call; the current state, so order does not matter) and hands it to the timer's
/// <see cref="PageImporter"/> as a page of one: same mapping, same hashes, same echo check. So the
/// timer's next full pass finds it unchanged and sends nothing. A throw retries the message.
/// </summary>
public sealed class WebhookObjectImporter(
    ConnectorMessageReader messages,
    PlanhatClient planhat,
    PageImporter importer,
    HashStore hashes,
    IOptions<PlanhatOptions> planhatOptions,
    TimeProvider clock,
    ILogger<WebhookObjectImporter> logger) : IQueueFunction
{
    public const string NotInPlanhat = "Planhat has no such record (deleted since the webhook?).";
    public const string Archived = "The enduser is archived; Planhat's list leaves it out too.";
    public const string NoToken = "The connector has no Planhat token.";

    public Task HandleAsync(string messageText, CancellationToken cancellationToken) =>
        messages.HandleAsync(messageText, TwoWayJsonContext.Default.WebhookObjectMessage, async (message, connector) =>
        {
            using (logger.ForConnector(connector.Id, connector.Organization))
            {
                await ImportAsync(connector, message, cancellationToken);
            }
        }, cancellationToken);

    private async Task ImportAsync(ConnectorRecord connector, WebhookObjectMessage message, CancellationToken cancellationToken)
    {
        var kind = message.ObjectType == IncomingKind.Endusers.Name ? IncomingKind.Endusers
            : message.ObjectType == IncomingKind.Companies.Name ? IncomingKind.Companies
            : throw new InvalidDataException($"Unknown object type '{message.ObjectType}'.");
        if (PlanhatConnection.For(connector, planhatOptions.Value) is not { } connection)
        {
            logger.WebhookObjectSkipped(kind.Name, message.PlanhatId, NoToken);
            return;
        }

        var response = await planhat.SendRawAsync(connection, HttpMethod.Get, $"{kind.Name}/{Uri.EscapeDataString(message.PlanhatId)}", null, cancellationToken);
        if (response.Status == HttpStatusCode.NotFound)
        {
            logger.WebhookObjectSkipped(kind.Name, message.PlanhatId, NotInPlanhat);
            return;
        }

        if ((int)response.Status is < 200 or > 299)
        {
            throw new PlanhatApiException(response.Status, "GET", kind.Name + "/{id}", response.Body);
        }

        if (JsonNode.Parse(response.Body) is not JsonObject record)
        {
            throw new InvalidDataException($"Planhat answered GET {kind.Name}/{{id}} with something other than an object.");
        }

        if (kind == IncomingKind.Endusers && record["archived"] is JsonValue archived && archived.TryGetValue<bool>(out var isArchived) && isArchived)
        {
            logger.WebhookObjectSkipped(kind.Name, message.PlanhatId, Archived);
            return;
        }

        var links = kind == IncomingKind.Endusers ? new CompanyLinks(hashes, planhat, connector, connection) : null;
        var outcome = await importer.ImportAsync(connector, kind, [record], links, cancellationToken);
        if (outcome.Error is { } error)
        {
            throw new HttpRequestException("Hull did not accept the object: " + error);
        }

        logger.WebhookObjectForwarded(kind.Name, message.PlanhatId, outcome.Sent, (long)(clock.GetUtcNow() - message.ReceivedAt).TotalMilliseconds);
    }
}
