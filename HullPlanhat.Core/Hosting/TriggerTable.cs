namespace HullPlanhat.Core.Hosting;

public enum TriggerKind { Http, Queue, Timer }

/// <summary>One function of the product as both hosts expose it.</summary>
/// <param name="Name">Function name (Azure Functions name, SelfHost admin name).</param>
/// <param name="Kind">Trigger type.</param>
/// <param name="Methods">HTTP methods (Http only).</param>
/// <param name="Route">HTTP route without leading slash (Http only).</param>
/// <param name="Queue">Queue name (Queue only).</param>
/// <param name="ScheduleSetting">App-setting key holding the cron expression (Timer only).</param>
public sealed record TriggerDefinition(
    string Name,
    TriggerKind Kind,
    string[]? Methods = null,
    string? Route = null,
    string? Queue = null,
    string? ScheduleSetting = null)
{
    /// <summary>
    /// Functions-level authorization of an HTTP trigger (Http only): Anonymous, because the connector
    /// authenticates every request itself (Hull's signature, Basic auth + org).
    /// </summary>
    public string? AuthLevel { get; init; } = Kind == TriggerKind.Http ? "Anonymous" : null;

    /// <summary>App setting naming the storage account of a queue trigger (Queue only).</summary>
    public string? QueueConnection { get; init; } = Kind == TriggerKind.Queue ? "AzureWebJobsStorage" : null;
}

/// <summary>
/// The product's functions: names, routes, queues and schedules. The Functions app and the
/// SelfHost both follow this table; a parity test checks the Functions app's generated
/// functions.metadata against it.
/// </summary>
public static class TriggerTable
{
    public const string AccountsQueue = "planhat-accounts";
    public const string UsersQueue = "planhat-users";
    public const string IntakeQueue = "planhat-intake";
    public const string ExtractsQueue = "planhat-extracts";
    public const string WebhooksQueue = "planhat-webhooks";

    public const string SmartNotifier = nameof(SmartNotifier);
    public const string SplitNotification = nameof(SplitNotification);
    public const string OutgoingAccount = nameof(OutgoingAccount);
    public const string OutgoingUser = nameof(OutgoingUser);
    public const string FlushOutbox = nameof(FlushOutbox);
    public const string FetchCompanies = nameof(FetchCompanies);
    public const string FetchEndusers = nameof(FetchEndusers);
    public const string InternalUsersList = nameof(InternalUsersList);
    public const string InternalUsersGet = nameof(InternalUsersGet);
    public const string InternalUsersCreate = nameof(InternalUsersCreate);
    public const string InternalUsersUpdate = nameof(InternalUsersUpdate);
    public const string Status = nameof(Status);
    public const string Health = nameof(Health);
    public const string Manifest = nameof(Manifest);
    public const string Readme = nameof(Readme);
    public const string Schema = nameof(Schema);
    public const string FetchAccountsNow = nameof(FetchAccountsNow);
    public const string FetchUsersNow = nameof(FetchUsersNow);
    public const string Batch = nameof(Batch);
    public const string BatchAccounts = nameof(BatchAccounts);
    public const string ImportExtract = nameof(ImportExtract);
    public const string PlanhatWebhook = nameof(PlanhatWebhook);
    public const string IncomingWebhookObject = nameof(IncomingWebhookObject);
    public const string Housekeeping = nameof(Housekeeping);

    // Operator tooling (Operations/): Basic auth + org like the internal API.
    public const string Preview = nameof(Preview);
    public const string PreviewIncoming = nameof(PreviewIncoming);
    public const string Runs = nameof(Runs);
    public const string RunErrors = nameof(RunErrors);
    public const string DeadLetters = nameof(DeadLetters);
    public const string DeadLettersReplay = nameof(DeadLettersReplay);
    public const string DeadLetterDelete = nameof(DeadLetterDelete);
    public const string PoisonMessages = nameof(PoisonMessages);
    public const string PoisonReplay = nameof(PoisonReplay);
    public const string PoisonDelete = nameof(PoisonDelete);
    public const string Resync = nameof(Resync);
    public const string Overview = nameof(Overview);
    public const string Dashboard = nameof(Dashboard);

    /// <summary>Default cron expressions (six fields, seconds first) when the setting is absent.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultSchedules = new Dictionary<string, string>
    {
        ["Schedules:FlushOutbox"] = "*/10 * * * * *",
        ["Schedules:FetchCompanies"] = "0 */5 * * * *",
        ["Schedules:FetchEndusers"] = "0 */5 * * * *",
        ["Schedules:Housekeeping"] = "0 17 * * * *", // hourly, off the minutes the fetches start
    };

    public static readonly IReadOnlyList<TriggerDefinition> All =
    [
        new(SmartNotifier, TriggerKind.Http, ["POST"], "smart-notifier"),
        new(SplitNotification, TriggerKind.Queue, Queue: IntakeQueue),
        new(OutgoingAccount, TriggerKind.Queue, Queue: AccountsQueue),
        new(OutgoingUser, TriggerKind.Queue, Queue: UsersQueue),
        new(FlushOutbox, TriggerKind.Timer, ScheduleSetting: "Schedules:FlushOutbox"),
        new(FetchCompanies, TriggerKind.Timer, ScheduleSetting: "Schedules:FetchCompanies"),
        new(FetchEndusers, TriggerKind.Timer, ScheduleSetting: "Schedules:FetchEndusers"),
        new(InternalUsersList, TriggerKind.Http, ["GET"], "api/internal/users"),
        new(InternalUsersGet, TriggerKind.Http, ["GET"], "api/internal/users/{userId}"),
        new(InternalUsersCreate, TriggerKind.Http, ["POST"], "api/internal/users"),
        new(InternalUsersUpdate, TriggerKind.Http, ["PUT"], "api/internal/users/{userId}"),
        new(Status, TriggerKind.Http, ["GET", "POST"], "status"), // POST: Hull's own 30-minute schedule
        new(Health, TriggerKind.Http, ["GET"], "health"),
        new(Manifest, TriggerKind.Http, ["GET"], "manifest.json"), // Hull installs the connector from it
        new(Readme, TriggerKind.Http, ["GET"], "readme.md"),
        new(Schema, TriggerKind.Http, ["GET"], "schema/{type}"),
        new(FetchAccountsNow, TriggerKind.Http, ["POST"], "fetch/accounts"),
        new(FetchUsersNow, TriggerKind.Http, ["POST"], "fetch/users"),
        new(Batch, TriggerKind.Http, ["POST"], "batch"),
        new(BatchAccounts, TriggerKind.Http, ["POST"], "batch-accounts"),
        new(ImportExtract, TriggerKind.Queue, Queue: ExtractsQueue),
        new(PlanhatWebhook, TriggerKind.Http, ["POST"], "webhooks/planhat/{connectorId}"), // a Planhat Automation's "Call a webhook"
        new(IncomingWebhookObject, TriggerKind.Queue, Queue: WebhooksQueue),
        new(Housekeeping, TriggerKind.Timer, ScheduleSetting: "Schedules:Housekeeping"), // expired notification ids, finished batch jobs
        new(Preview, TriggerKind.Http, ["POST"], "api/preview"),
        new(PreviewIncoming, TriggerKind.Http, ["POST"], "api/preview/incoming"),
        new(Runs, TriggerKind.Http, ["GET"], "api/runs"),
        new(RunErrors, TriggerKind.Http, ["GET"], "api/runs/{runId}/errors"),
        new(DeadLetters, TriggerKind.Http, ["GET"], "api/deadletters"),
        new(DeadLettersReplay, TriggerKind.Http, ["POST"], "api/deadletters/replay"),
        new(DeadLetterDelete, TriggerKind.Http, ["DELETE"], "api/deadletters/{id}"),
        new(PoisonMessages, TriggerKind.Http, ["GET"], "api/poison"),
        new(PoisonReplay, TriggerKind.Http, ["POST"], "api/poison/replay"),
        new(PoisonDelete, TriggerKind.Http, ["DELETE"], "api/poison/{id}"),
        new(Resync, TriggerKind.Http, ["POST"], "api/resync"),
        new(Overview, TriggerKind.Http, ["GET"], "api/overview"),
        new(Dashboard, TriggerKind.Http, ["GET"], "dashboard"),
    ];

    public static TriggerDefinition Get(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"Unknown function '{name}'.");
}
