using HullPlanhat.Core.Hosting;

namespace HullPlanhat.SelfHost.Hosting;

/// <summary>Maps every HTTP function of the trigger table to its route.</summary>
public static class HttpFunctionEndpoints
{
    public static void MapHttpFunctions(this IEndpointRouteBuilder app)
    {
        foreach (var function in TriggerTable.All.Where(t => t.Kind == TriggerKind.Http))
        {
            app.MapMethods("/" + function.Route, function.Methods!,
                    (HttpContext context, FunctionDispatcher dispatcher) => dispatcher.InvokeHttpAsync(function.Name, context.Request, context.RequestAborted))
                .WithName(function.Name);
        }
    }
}
