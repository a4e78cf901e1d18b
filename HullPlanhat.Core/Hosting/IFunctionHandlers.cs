using Microsoft.AspNetCore.Http;

namespace HullPlanhat.Core.Hosting;

/// <summary>An HTTP function: both hosts hand it the ASP.NET Core request and execute the result.</summary>
public interface IHttpFunction
{
    Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken);
}

/// <summary>A queue function: the host passes the decoded message text; throwing means "retry".</summary>
public interface IQueueFunction
{
    Task HandleAsync(string messageText, CancellationToken cancellationToken);
}

/// <summary>A timer function; the host guarantees a single instance runs at a time.</summary>
public interface ITimerFunction
{
    Task RunAsync(CancellationToken cancellationToken);
}
