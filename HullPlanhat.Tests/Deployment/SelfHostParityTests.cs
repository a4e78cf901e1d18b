using HullPlanhat.Core.Hosting;
using HullPlanhat.SelfHost.Hosting;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HullPlanhat.Tests.Deployment;

/// <summary>The running SelfHost exposes exactly the functions of the trigger table.</summary>
[Collection(ProductCollection.Name)]
public sealed class SelfHostParityTests(ProductFixture product)
{
    [Fact]
    public void Http_routes_and_methods_match_the_trigger_table()
    {
        var endpoints = product.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .Select(e => $"{e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName} {string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)} /{e.RoutePattern.RawText!.TrimStart('/')}")
            .Order();
        var expected = TriggerTable.All.Where(t => t.Kind == TriggerKind.Http)
            .Select(t => $"{t.Name} {string.Join(",", t.Methods!)} /{t.Route}")
            .Order();
        Assert.Equal(expected, endpoints);
    }

    [Fact]
    public void Queue_listeners_and_timers_match_the_trigger_table()
    {
        var hosted = product.Services.GetServices<IHostedService>().ToList();
        Assert.Equal(
            TriggerTable.All.Where(t => t.Kind == TriggerKind.Queue).Select(t => $"{t.Name} {t.Queue}").Order(),
            hosted.OfType<QueueListener>().Select(l => $"{l.Function.Name} {l.Function.Queue}").Order());
        Assert.Equal(
            TriggerTable.All.Where(t => t.Kind == TriggerKind.Timer).Select(t => $"{t.Name} {t.ScheduleSetting}").Order(),
            hosted.OfType<TimerScheduler>().Select(s => $"{s.Function.Name} {s.Function.ScheduleSetting}").Order());
    }

    [Fact]
    public void Every_function_of_the_table_has_a_handler()
    {
        var missing = TriggerTable.All.Where(t => t.Kind switch
        {
            TriggerKind.Http => product.Services.GetKeyedService<IHttpFunction>(t.Name) is null,
            TriggerKind.Queue => product.Services.GetKeyedService<IQueueFunction>(t.Name) is null,
            _ => product.Services.GetKeyedService<ITimerFunction>(t.Name) is null,
        }).Select(t => t.Name);
        Assert.Empty(missing);
    }
}
