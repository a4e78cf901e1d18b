using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Operations.Dashboard;

/// <summary><c>Operations:*</c> settings of the status page.</summary>
public sealed class DashboardOptions
{
    /// <summary>
    /// Who may show the page in a frame (CSP <c>frame-ancestors</c>): Hull shows connector pages inside
    /// its dashboard. Space-separated sources.
    /// </summary>
    public string FrameAncestors { get; set; } = "'self' https://*.hullapp.io https://*.hull.io";
}

/// <summary>
/// <c>GET /dashboard</c>: one self-contained HTML page (no external script, style or font) per
/// connector, same authentication as the API. It reads <c>/api/overview</c> and calls the operator
/// routes from its buttons. Framing is allowed for Hull's dashboard only, through CSP
/// <c>frame-ancestors</c> (no <c>X-Frame-Options</c>, which cannot name several hosts).
/// </summary>
public sealed class DashboardPage(OperationsGate gate, IOptions<DashboardOptions> options)
{
    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("HullPlanhat.Core.Operations.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard page is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "dashboard", _ =>
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            return Task.FromResult<IResult>(new HtmlPageResult(Template.Value.Replace("__NONCE__", nonce, StringComparison.Ordinal), new Dictionary<string, string>
            {
                ["Content-Security-Policy"] = $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors {options.Value.FrameAncestors}",
                ["Cache-Control"] = "no-store",
                ["Referrer-Policy"] = "no-referrer",
                ["X-Content-Type-Options"] = "nosniff",
            }));
        }, cancellationToken);
}

/// <summary>An HTML answer with extra headers.</summary>
public sealed class HtmlPageResult(string html, IReadOnlyDictionary<string, string> headers) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(html);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
