namespace HullPlanhat.Core.Storage;

/// <summary>Every table, blob container and extra queue the product uses.</summary>
public static class StorageNames
{
    public const string ConnectorsTable = "connectors";
    public const string OutboxTable = "outbox";
    public const string SyncStateTable = "syncstate";
    public const string DeadLettersTable = "deadletters";
    public const string JobsTable = "jobs";
    public const string HashesTable = "hashes";
    public const string PlanhatBudgetTable = "planhatbudget";
    public const string ExtractJobsTable = "extractjobs";

    public const string ClaimCheckContainer = "claim-checks";
    public const string LocksContainer = "function-locks";

    public static string PoisonQueue(string queue) => queue + "-poison";
}
