using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace HullPlanhat.Core.Json;

/// <summary>
/// Parses JSON nobody vouches for into nodes, so that every problem surfaces while parsing, as a
/// <see cref="JsonException"/> the caller answers with a 400: a duplicate property name (a node
/// would otherwise throw on first access) or nesting past <c>maxDepth</c>. Invalid UTF-8 is replaced
/// with U+FFFD first, as at intake, instead of failing when a string is read.
/// </summary>
public static class UntrustedJson
{
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, int maxDepth = 64)
    {
        var bytes = Utf8.IsValid(utf8) ? utf8 : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8));
        return JsonNode.Parse(bytes, documentOptions: Options(maxDepth));
    }

    public static JsonNode? Parse(string text, int maxDepth = 64) => JsonNode.Parse(text, documentOptions: Options(maxDepth));

    private static JsonDocumentOptions Options(int maxDepth) => new() { MaxDepth = maxDepth, AllowDuplicateProperties = false };
}
