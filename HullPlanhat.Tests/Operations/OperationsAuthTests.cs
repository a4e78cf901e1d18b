using System.Net;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Tests.Infrastructure;
using static HullPlanhat.Tests.EndToEnd.InternalApiClient;

namespace HullPlanhat.Tests.Operations;

/// <summary>Every operator route answers like the internal users API: 400 without org or credentials, 401 for a wrong secret, 403 for another organization.</summary>
[Collection(ProductCollection.Name)]
public sealed class OperationsAuthTests(ProductFixture product)
{
    public static TheoryData<string, string> Routes()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in new[]
        {
            TriggerTable.Preview, TriggerTable.PreviewIncoming, TriggerTable.Runs, TriggerTable.RunErrors, TriggerTable.DeadLetters,
            TriggerTable.DeadLettersReplay, TriggerTable.DeadLetterDelete, TriggerTable.PoisonMessages, TriggerTable.PoisonReplay,
            TriggerTable.PoisonDelete, TriggerTable.Resync, TriggerTable.Overview, TriggerTable.Dashboard,
        })
        {
            var trigger = TriggerTable.Get(name);
            data.Add(trigger.Methods![0], trigger.Route!.Replace("{runId}", "r1").Replace("{id}", "x1"));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Operator_routes_answer_400_401_and_403_as_the_internal_API_does(string method, string route)
    {
        var connector = await product.KnownConnectorAsync();
        var verb = new HttpMethod(method);

        var (noOrg, _) = await SendAsync(product, verb, route, connector, org: "");
        Assert.Equal(HttpStatusCode.BadRequest, noOrg.StatusCode);
        var (noCredentials, _) = await SendAsync(product, verb, route + "?org=" + Uri.EscapeDataString(connector.Hull.Organization), null);
        Assert.Equal(HttpStatusCode.BadRequest, noCredentials.StatusCode);
        var (wrong, wrongBody) = await SendAsync(product, verb, route, connector, secret: "wrong-secret-123");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Basic", Assert.Single(wrong.Headers.WwwAuthenticate).Scheme);
        Assert.DoesNotContain("wrong-secret-123", wrongBody);
        var (other, _) = await SendAsync(product, verb, route, connector, org: "other.hullapp.io");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Empty(await connector.PlanhatCallsAsync());
    }
}
