using System.Net.Http.Json;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Status;

/// <summary>Pushes a status to Hull: <c>PUT https://&lt;org&gt;/api/v1/&lt;id&gt;/status</c> (hull-protocol.md §2.6, §3.3).</summary>
public sealed class HullStatusReporter(HttpClient http, IOptions<HullApiOptions> options)
{
    public async Task ReportAsync(ConnectorRecord connector, ConnectorStatus status, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, StatusUri(connector, options.Value.ApiBaseUrl))
        {
            Content = JsonContent.Create(status, InternalApiJsonContext.Default.ConnectorStatus),
        };
        request.Headers.Add("Hull-App-Id", connector.Id);
        request.Headers.Add("Hull-Access-Token", connector.Secret);
        request.Headers.Add("Hull-Organization", connector.Organization);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Hull answered {(int)response.StatusCode} {response.ReasonPhrase} to the status update.", null, response.StatusCode);
        }
    }

    public static Uri StatusUri(ConnectorRecord connector, Uri? apiBaseUrl)
    {
        // The organization comes from a signed notification; still, only a bare host name may become a URL.
        var root = apiBaseUrl?.AbsoluteUri
            ?? (Uri.CheckHostName(connector.Organization) is UriHostNameType.Dns ? $"https://{connector.Organization}/api/v1/"
                : throw new InvalidOperationException("The connector's organization is not a host name."));
        return new Uri(root.TrimEnd('/') + "/" + Uri.EscapeDataString(connector.Id) + "/status");
    }
}
