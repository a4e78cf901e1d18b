using System.Net;
using System.Text;
using System.Text.Json;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Planhat;
using Microsoft.AspNetCore.Http;

namespace HullPlanhat.Core.InternalApi;

/// <summary>
/// Turns Planhat's answer into the internal API's: same status, Planhat's JSON body as is (the
/// original answered 200 even to errors; bug 12.15). A non-JSON error body is wrapped in <c>{message}</c>.
/// </summary>
public static class PlanhatAnswer
{
    private const int MaxQuotedChars = 500;

    public static IResult From(PlanhatRawResponse raw, string notFoundMessage)
    {
        var status = (int)raw.Status;
        var json = IsJson(raw.Body);
        if (status is >= 200 and < 300)
        {
            return raw.Body.Trim() is "" or "null" ? ApiResults.Error(StatusCodes.Status404NotFound, notFoundMessage)
                : json ? ApiResults.Json(status, Encoding.UTF8.GetBytes(raw.Body))
                : ApiResults.Error(StatusCodes.Status502BadGateway, "Planhat answered with a body that is not JSON.");
        }

        return FromError(raw.Status, raw.Body);
    }

    public static IResult FromError(HttpStatusCode status, string body) =>
        IsJson(body) && (int)status >= 400
            ? ApiResults.Json((int)status, Encoding.UTF8.GetBytes(body))
            : ApiResults.Error((int)status >= 400 ? (int)status : StatusCodes.Status502BadGateway,
                $"Planhat answered {(int)status}: {Quote(body)}");

    public static IResult Unreachable(Exception e) => e is TimeoutException or Polly.Timeout.TimeoutRejectedException or TaskCanceledException
        ? ApiResults.Error(StatusCodes.Status504GatewayTimeout, "Planhat did not answer in time.")
        : ApiResults.Error(StatusCodes.Status502BadGateway, "Planhat could not be reached: " + e.GetType().Name);

    private static string Quote(string body)
    {
        var text = body.Trim();
        return text.Length == 0 ? "(empty body)" : Excerpt.Of(text, MaxQuotedChars);
    }

    private static bool IsJson(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return false;
        }

        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
