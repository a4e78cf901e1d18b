using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Cli;

/// <summary>The tenant the standalone sandbox seeds: token <c>sandbox-token</c>, tenant id <c>sandbox-tenant</c>.</summary>
internal static class DemoTenant
{
    public const string Token = "sandbox-token";
    public const string TenantId = "sandbox-tenant";

    public static IEnumerable<JsonObject> Users() =>
    [
        User("Alice", "Anders", "alice@sandbox.example"),
        User("Bob", "Berg", "bob@sandbox.example"),
        User("Carol", "Chen", "carol@sandbox.example"),
    ];

    private static JsonObject User(string first, string last, string email) => new()
    {
        ["firstName"] = first,
        ["lastName"] = last,
        ["nickName"] = first,
        ["email"] = email,
        ["isHidden"] = false,
        ["removed"] = false,
        ["inactive"] = false,
        ["roles"] = new JsonArray(),
    };
}
