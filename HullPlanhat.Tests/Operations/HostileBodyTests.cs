using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.Operations;

/// <summary>
/// Routes that read a JSON body answer a clear 400 for JSON a parser accepts but nodes cannot hold:
/// a property named twice, or a string that is not UTF-8 — never a 500.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class HostileBodyTests(ProductFixture product)
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in new[] { TriggerTable.Preview, TriggerTable.DeadLettersReplay, TriggerTable.PoisonReplay, TriggerTable.InternalUsersCreate })
        {
            foreach (var body in new[] { "duplicate", "duplicate-nested", "invalid-utf8" })
            {
                data.Add(name, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_body_with_a_property_named_twice_is_refused_with_400_and_one_that_is_not_UTF8_never_fails(string function, string body)
    {
        var connector = await product.KnownConnectorAsync();
        var trigger = TriggerTable.Get(function);
        using var request = new HttpRequestMessage(new HttpMethod(trigger.Methods![0]), trigger.Route + "?org=" + Uri.EscapeDataString(connector.Hull.Organization))
        {
            Content = new ByteArrayContent(Body(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{connector.Id}:{connector.Hull.Secret}")));

        using var response = await product.Http.SendAsync(request);

        if (body == "invalid-utf8")
        {
            // Repaired (U+FFFD) as at intake: answered like any other body, whatever the route makes of it.
            Assert.InRange((int)response.StatusCode, 200, 499);
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Malformed JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static byte[] Body(string kind) => kind switch
    {
        "duplicate" => """{"messages":[],"ids":[],"email":"a@example.com","messages":[],"ids":[],"email":"b@example.com"}"""u8.ToArray(),
        "duplicate-nested" => """{"messages":[{"account":{"id":"q","id":"r"}}],"ids":["a"],"queue":"x","email":"a@example.com","name":{"a":1,"a":2}}"""u8.ToArray(),
        _ => [.. Encoding.UTF8.GetBytes("{\"ids\":[\""), 0xff, .. Encoding.UTF8.GetBytes("\"],\"queue\":\"q\",\"messages\":[{\"account\":{\"id\":\""), 0xfe,
            .. Encoding.UTF8.GetBytes("\",\"external_id\":\"a\"}}],\"email\":\"a@example.com\"}")],
    };
}
