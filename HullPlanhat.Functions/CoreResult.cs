using Microsoft.AspNetCore.Mvc;

namespace HullPlanhat.Functions;

/// <summary>
/// Carries a Core <see cref="Microsoft.AspNetCore.Http.IResult"/> out of a function as the
/// documented ASP.NET Core integration return type, <see cref="IActionResult"/>.
/// </summary>
internal sealed class CoreResult(Microsoft.AspNetCore.Http.IResult result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
}
