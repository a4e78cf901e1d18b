using System.Text.Json;

namespace HullPlanhat.Sandbox.Admin;

/// <summary>Reads typed admin request bodies (web JSON conventions), turning malformed JSON into null.</summary>
internal static class AdminJson
{
    public static async Task<T?> ReadAsync<T>(HttpContext ctx)
        where T : class
    {
        try
        {
            return await ctx.Request.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, ctx.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
