using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>
/// Middleware in front of <c>/planhat</c>: bearer/basic auth, body parsing (once), the per-tenant rate limit,
/// fault injection, rate-limit headers and the call log.
/// </summary>
public sealed class PlanhatGate
{
    public const string Prefix = "/planhat";
    private const string TenantKey = "sandbox.tenant";
    private readonly TenantStore _tenants;
    private readonly SandboxClock _clock;
    private readonly int _defaultLimit;

    public PlanhatGate(TenantStore tenants, SandboxClock clock, int defaultLimit)
    {
        _tenants = tenants;
        _clock = clock;
        _defaultLimit = defaultLimit;
    }

    public static Tenant TenantOf(HttpContext context) =>
        context.Items[TenantKey] as Tenant ?? throw new InvalidOperationException("No tenant on this request");

    public static bool Applies(HttpContext context) => context.Request.Path.StartsWithSegments(Prefix);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Request.Path.StartsWithSegments(Prefix, out var rest);
        if (FindToken(context.Request) is not { } token || _tenants.ByToken(token) is not { } tenant)
        {
            SetRateHeaders(context, _defaultLimit, _defaultLimit);
            await JsonResults.Error(401, "Unauthorized").ExecuteAsync(context);
            return;
        }

        context.Items[TenantKey] = tenant;
        var body = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsDelete(context.Request.Method)
            ? new JsonBody.Parsed(null, false)
            : await JsonBody.ReadAsync(context.Request, context.RequestAborted);
        JsonBody.Stash(context, body);
        var itemCount = (body.Node as JsonArray)?.Count;

        var decision = tenant.RateLimit.Hit();
        SetRateHeaders(context, decision.Limit, decision.Remaining);
        if (!decision.Allowed)
        {
            await TooManyRequests(context);
        }
        else if (tenant.Faults.NextFault() is { } faultStatus)
        {
            await Fault(context, faultStatus);
        }
        else if (body.Invalid)
        {
            await JsonResults.Error(400, "Invalid JSON body").ExecuteAsync(context);
        }
        else
        {
            var isWrite = !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method);
            await RunWithAfterWriteFaultAsync(context, isWrite ? tenant.Faults.NextAfterWrite() : AfterWriteFault.None,
                tenant.Faults.Config.SlowReplyMilliseconds, () => RunHandler(context, next));
        }

        tenant.Calls.Add(new SandboxCall(
            context.Request.Method,
            rest.HasValue ? rest.Value! : "/",
            context.Request.QueryString.Value ?? string.Empty,
            context.Response.StatusCode,
            itemCount,
            _clock.Now));
    }

    private static async Task RunHandler(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
        {
            context.Response.Clear();
            await JsonResults.Error(500, ex.Message).ExecuteAsync(context);
        }
    }

    /// <summary>
    /// Runs <paramref name="handler"/> (the write is applied) and then, as <paramref name="fault"/> says,
    /// answers normally, answers late, or replaces the answer with a 502 as a proxy that lost the reply would.
    /// </summary>
    public static async Task RunWithAfterWriteFaultAsync(HttpContext context, AfterWriteFault fault, int slowReplyMilliseconds, Func<Task> handler)
    {
        if (fault == AfterWriteFault.None)
        {
            await handler();
            return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await handler();
        }
        finally
        {
            context.Response.Body = original;
        }

        if (fault == AfterWriteFault.LostReply)
        {
            context.Response.Clear();
            await JsonResults.Error(502, "Injected fault: the write was applied, its reply lost").ExecuteAsync(context);
            return;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(slowReplyMilliseconds), context.RequestAborted);
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>Writes an injected failure: 429 as Planhat's text body, anything else as a JSON error.</summary>
    public static Task Fault(HttpContext context, int status) => status == 429
        ? TooManyRequests(context)
        : JsonResults.Error(status, $"Injected fault ({status})").ExecuteAsync(context);

    private static Task TooManyRequests(HttpContext context) =>
        Results.Text("Too many requests", "text/plain", statusCode: 429).ExecuteAsync(context);

    private static void SetRateHeaders(HttpContext context, int limit, int remaining)
    {
        context.Response.Headers["X-Rate-Limit-Limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["X-Rate-Limit-Remaining"] = remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? FindToken(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return header.Parameter;
        }

        if (!header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? decoded : decoded[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
