using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Status;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace HullPlanhat.Tests.Unit;

public sealed class InternalApiUnitTests
{
    private static string Basic(string text) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Basic_credentials_split_at_the_first_colon()
    {
        var (credentials, error) = BasicCredentials.Parse(Basic("abc:se:cret"));
        Assert.Null(error);
        Assert.Equal(new BasicCredentials("abc", "se:cret"), credentials);
        Assert.DoesNotContain("se:cret", credentials!.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic !!notbase64")]
    [InlineData("Basic")]
    public void Missing_or_malformed_credentials_are_rejected_with_a_reason(string? header)
    {
        var (credentials, error) = BasicCredentials.Parse(header);
        Assert.Null(credentials);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("abc:")]
    [InlineData(":secret")]
    [InlineData("no-colon")]
    public void Both_id_and_secret_are_required(string decoded)
    {
        var (credentials, error) = BasicCredentials.Parse(Basic(decoded));
        Assert.Null(credentials);
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("Foo.HullApp.io", "foo.hullapp.io")]
    [InlineData("https://foo.hullapp.io/", "foo.hullapp.io")]
    [InlineData("  ", "")]
    public void Organizations_compare_by_host(string input, string expected) =>
        Assert.Equal(expected, ConnectorAuthenticator.NormalizeOrganization(input));

    [Fact]
    public void Status_goes_to_the_organizations_api_unless_overridden()
    {
        var connector = new ConnectorRecord("abc123", "foo.hullapp.io", "s", null, [], DateTimeOffset.UnixEpoch);
        Assert.Equal("https://foo.hullapp.io/api/v1/abc123/status", HullStatusReporter.StatusUri(connector, null).ToString());
        Assert.Equal("http://127.0.0.1:5/hull/api/v1/abc123/status", HullStatusReporter.StatusUri(connector, new Uri("http://127.0.0.1:5/hull/api/v1")).ToString());
        Assert.Throws<InvalidOperationException>(() => HullStatusReporter.StatusUri(connector with { Organization = "evil.example/x?" }, null));
    }

    [Fact]
    public async Task Planhat_errors_keep_their_status_and_message()
    {
        var json = await ExecuteAsync(PlanhatAnswer.FromError(System.Net.HttpStatusCode.InternalServerError, """{"error":"boom"}"""));
        Assert.Equal((500, """{"error":"boom"}"""), json);
        var text = await ExecuteAsync(PlanhatAnswer.FromError(System.Net.HttpStatusCode.ServiceUnavailable, ""));
        Assert.Equal(503, text.Status);
        Assert.Equal("Planhat answered 503: (empty body)", JsonNode.Parse(text.Body)!["message"]!.ToString());
    }

    [Fact]
    public async Task Health_is_503_when_storage_cannot_be_reached()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
        }).Build();
        var handler = new HealthHandler(new StorageClients(configuration), NullLogger<HealthHandler>.Instance);
        var (status, body) = await ExecuteAsync(await handler.HandleAsync(new DefaultHttpContext().Request, CancellationToken.None));
        Assert.Equal(503, status);
        Assert.Equal("""{"status":"unhealthy","storage":"unreachable"}""", body);
    }

    private static async Task<(int Status, string Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
