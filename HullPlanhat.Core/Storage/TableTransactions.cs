using Azure;
using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage;

/// <summary>Writes many rows of one partition as entity-group transactions of up to 100 actions, four in flight.</summary>
public static class TableTransactions
{
    public static Task SubmitInTransactionsAsync(this TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(actions.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (batch, ct) => await table.SubmitNamedTransactionAsync(batch, ct));

    /// <summary>
    /// <see cref="TableClient.SubmitTransactionAsync"/>, with the table's name on the request, so the
    /// request counters (<see cref="StorageRequestMetrics"/>) tell one table's transactions from another's.
    /// </summary>
    public static async Task<Response<IReadOnlyList<Response>>> SubmitNamedTransactionAsync(this TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        using (StorageRequestMetrics.ForTable(table.Name))
        {
            return await table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }
}
