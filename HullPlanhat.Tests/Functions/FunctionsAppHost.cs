using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HullPlanhat.Functions;
using HullPlanhat.Sandbox;
using HullPlanhat.Sandbox.Client;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Tests.Deployment;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Tests.Functions;

/// <summary>An HTTP function's answer as the Functions host would write it.</summary>
public sealed record FunctionHttpResponse(int StatusCode, IHeaderDictionary Headers, string Body)
{
    public JsonNode? Json => JsonNode.Parse(Body);
}

/// <summary>
/// The Functions app's own container (<see cref="ConnectorFunctionsServices.AddConnectorFunctions"/>,
/// as Program.cs builds it) over a private Azurite and the Sandbox, and the part of the Functions
/// host that matters to a function class: it finds the <c>[Function]</c> method by name, creates
/// its class from the container, and binds what the host binds — an <see cref="HttpRequest"/>
/// routed by the trigger's route template, a queue message decoded per host.json's
/// <c>messageEncoding</c>, a <see cref="TimerInfo"/> — then writes an <see cref="IActionResult"/>
/// into the response.
/// </summary>
public sealed class FunctionsAppHost : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> once = new();
    private AzuriteProcess azurite = null!;
    private ServiceProvider services = null!;

    public static Assembly App => typeof(ConnectorFunctionsServices).Assembly;

    public SandboxServer Sandbox { get; private set; } = null!;
    public SandboxClient SandboxAdmin { get; private set; } = null!;
    public NotificationSender Sender { get; private set; } = null!;
    public CapturedLogs Logs { get; } = new();
    public IConfiguration Configuration { get; private set; } = null!;

    /// <summary>Names of the functions invoked so far, through this host.</summary>
    public ConcurrentBag<string> Invoked { get; } = [];

    /// <summary>Every <c>[Function]</c> method of the app, by function name.</summary>
    public static IReadOnlyDictionary<string, MethodInfo> Functions { get; } = App.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
        .ToDictionary(m => m.GetCustomAttribute<FunctionAttribute>()!.Name);

    public async Task InitializeAsync()
    {
        // Private: CI's shared Azurite also serves the SelfHost tests, whose queue listeners and
        // outbox would otherwise share these fixed queue and table names.
        azurite = await AzuriteProcess.StartAsync(privateInstance: true);
        Sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        SandboxAdmin = Sandbox.CreateClient();
        Sender = Sandbox.CreateSender();

        var sandbox = Sandbox.BaseAddress;
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Planhat:ApiBaseUrl"] = new Uri(sandbox, "planhat").ToString(),
            ["Planhat:AnalyticsBaseUrl"] = new Uri(sandbox, "planhat-analytics").ToString(),
            ["Planhat:RetryBaseDelay"] = "00:00:00.050",
            ["Hull:FirehoseUrl"] = new Uri(sandbox, "hull/firehose").ToString(),
            ["Hull:ApiBaseUrl"] = new Uri(sandbox, "hull/api/v1").ToString(),
            ["Hull:TrustedKeyHosts"] = "127.0.0.1",
            ["Hull:TrustedExtractHosts"] = "127.0.0.1",
            ["Hull:ExtractLinesPerChunk"] = "2",
            ["Outbox:RetryDelay"] = "00:00:00",
            ["Outbox:PartialChunkHold"] = "00:00:00",
            ["Outbox:EventChunkHold"] = "00:00:00",
        }).Build();

        var collection = new ServiceCollection();
        collection.AddSingleton(Configuration);
        collection.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        // What the Functions host itself provides to the app's services.
        collection.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>();
        collection.AddConnectorFunctions(Configuration);
        services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        SandboxAdmin.Dispose();
        await Sandbox.DisposeAsync();
        await azurite.DisposeAsync();
    }

    /// <summary>Runs <paramref name="scenario"/> the first time <paramref name="key"/> is asked for; later callers await the same run.</summary>
    public Task OnceAsync(string key, Func<Task> scenario) => once.GetOrAdd(key, _ => new Lazy<Task>(scenario)).Value;

    /// <summary>Invokes an HTTP-triggered function as the host does for a request to <paramref name="pathAndQuery"/>.</summary>
    public async Task<FunctionHttpResponse> InvokeHttpAsync(
        string function, HttpMethod method, string pathAndQuery, string? body = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var trigger = Trigger<HttpTriggerAttribute>(function);
        Assert.True(trigger.Methods?.Contains(method.Method, StringComparer.OrdinalIgnoreCase) == true,
            $"{function} does not accept {method} (its trigger lists {string.Join(", ", trigger.Methods ?? [])}).");

        var path = pathAndQuery.Split('?', 2);
        var routeValues = new RouteValueDictionary();
        var matcher = new TemplateMatcher(TemplateParser.Parse(trigger.Route!), new RouteValueDictionary());
        Assert.True(matcher.TryMatch("/" + path[0].TrimStart('/'), routeValues), $"'{path[0]}' does not match {function}'s route '{trigger.Route}'.");

        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var request = context.Request;
        request.Method = method.Method;
        request.Scheme = "https";
        request.Host = new HostString("hull-planhat.azurewebsites.net");
        request.Path = "/" + path[0].TrimStart('/');
        request.QueryString = path.Length > 1 ? new QueryString("?" + path[1]) : QueryString.Empty;
        request.RouteValues = routeValues;
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Append(name, value);
        }

        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
            request.ContentType ??= "application/json";
        }

        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;

        var result = await InvokeAsync(function, scope.ServiceProvider, request, message: null, timer: null);
        var actionResult = Assert.IsAssignableFrom<IActionResult>(result);
        await actionResult.ExecuteResultAsync(new ActionContext(context, new RouteData(routeValues), new ActionDescriptor()));
        return new FunctionHttpResponse(context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(responseBody.ToArray()));
    }

    /// <summary>Sends a Sandbox-signed notification (valid or forged) to an HTTP function, as Hull would.</summary>
    public async Task<FunctionHttpResponse> NotifyAsync(string function, string path, string notificationJson, SignatureOptions? signature = null)
    {
        using var message = Sender.CreateRequest(new Uri(Sandbox.BaseAddress, path), notificationJson, signature);
        var headers = message.Headers.Concat(message.Content!.Headers)
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)));
        return await InvokeHttpAsync(function, HttpMethod.Post, path, notificationJson, headers);
    }

    /// <summary>
    /// Delivers every message waiting on a queue-triggered function's queue, as the host does:
    /// read from the storage account its <c>Connection</c> names, decoded per host.json, then
    /// deleted once the function returns (a throw fails the test).
    /// </summary>
    public async Task<int> DeliverQueueAsync(string function)
    {
        var trigger = Trigger<QueueTriggerAttribute>(function);
        var connection = Configuration[trigger.Connection ?? "AzureWebJobsStorage"];
        var queue = new QueueClient(connection, trigger.QueueName); // no client-side decoding: the raw stored text
        await queue.CreateIfNotExistsAsync();
        var encoding = HostJsonMessageEncoding;
        var delivered = 0;
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(maxMessages: 16, visibilityTimeout: TimeSpan.FromMinutes(1))).Value;
            if (batch.Length == 0)
            {
                return delivered;
            }

            foreach (var message in batch)
            {
                var text = Decode(message.Body.ToString(), encoding);
                await using var scope = services.CreateAsyncScope();
                await InvokeAsync(function, scope.ServiceProvider, request: null, text, timer: null);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                delivered++;
            }
        }
    }

    /// <summary>The decoded texts of the messages waiting for <paramref name="function"/>, left in the queue.</summary>
    public async Task<IReadOnlyList<string>> PeekQueueAsync(string function)
    {
        var trigger = Trigger<QueueTriggerAttribute>(function);
        var queue = new QueueClient(Configuration[trigger.Connection ?? "AzureWebJobsStorage"], trigger.QueueName);
        var peeked = (await queue.PeekMessagesAsync(maxMessages: 32)).Value;
        return [.. peeked.Select(m => Decode(m.Body.ToString(), HostJsonMessageEncoding))];
    }

    private static string Decode(string stored, string? encoding) =>
        encoding == "base64" ? Encoding.UTF8.GetString(Convert.FromBase64String(stored)) : stored;

    /// <summary>Fires a timer-triggered function once, as its schedule would.</summary>
    public async Task InvokeTimerAsync(string function)
    {
        Trigger<TimerTriggerAttribute>(function);
        var timer = new TimerInfo { IsPastDue = false, ScheduleStatus = new ScheduleStatus { Last = DateTime.UtcNow.AddMinutes(-5), Next = DateTime.UtcNow.AddMinutes(5) } };
        await using var scope = services.CreateAsyncScope();
        await InvokeAsync(function, scope.ServiceProvider, request: null, message: null, timer);
    }

    /// <summary>host.json's <c>extensions.queues.messageEncoding</c> (the host's default is base64).</summary>
    private static string HostJsonMessageEncoding
    {
        get
        {
            using var host = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("host.json")));
            return host.RootElement.TryGetProperty("extensions", out var extensions)
                && extensions.TryGetProperty("queues", out var queues)
                && queues.TryGetProperty("messageEncoding", out var encoding)
                ? encoding.GetString()!.ToLowerInvariant()
                : "base64";
        }
    }

    private static T Trigger<T>(string function) where T : Attribute
    {
        Assert.True(Functions.TryGetValue(function, out var method), $"The Functions app has no [Function(\"{function}\")].");
        var trigger = method!.GetParameters().Select(p => p.GetCustomAttribute<T>()).SingleOrDefault(a => a is not null);
        Assert.True(trigger is not null, $"{function} has no {typeof(T).Name} parameter.");
        return trigger!;
    }

    private async Task<object?> InvokeAsync(string function, IServiceProvider scoped, HttpRequest? request, string? message, TimerInfo? timer)
    {
        var method = Functions[function];
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scoped, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) && request is not null => request,
            var t when t == typeof(string) && p.GetCustomAttribute<QueueTriggerAttribute>() is not null && message is not null => message,
            var t when t == typeof(TimerInfo) && timer is not null => timer,
            var t when t == typeof(CancellationToken) => (object)CancellationToken.None,
            _ => throw new NotSupportedException(
                $"{function}: this test host does not bind parameter '{p.Name}' ({p.ParameterType.Name}); teach FunctionsAppHost to bind it as the Functions host does."),
        }).ToArray();

        Invoked.Add(function);
        object? returned;
        try
        {
            returned = method.Invoke(instance, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }

        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }
}

[CollectionDefinition(Name)]
public sealed class FunctionsAppCollection : ICollectionFixture<FunctionsAppHost>
{
    public const string Name = "Functions app";
}
