using System.Text.Json;

namespace HullPlanhat.Core.Operations.Runs;

/// <summary>
/// Reads Planhat's bulk-upsert answers (<c>created</c>, <c>updated</c>, <c>nonupdates</c>) on their way
/// to the Planhat client and hands them to the run being recorded; the answer itself passes unchanged.
/// </summary>
public sealed class BulkAnswerTap(RunRecorder runs) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method != HttpMethod.Put || !response.IsSuccessStatusCode || runs.Current is null)
        {
            return response;
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            using var answer = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            if (answer.RootElement.ValueKind == JsonValueKind.Object && answer.RootElement.TryGetProperty("created", out _))
            {
                runs.BulkAnswered(Number(answer.RootElement, "created"), Number(answer.RootElement, "updated"), Number(answer.RootElement, "nonupdates"));
            }
        }
        catch (JsonException)
        {
            // Not a bulk answer: the client reports it.
        }

        return response;
    }

    private static int Number(JsonElement answer, string name) =>
        answer.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : 0;
}
