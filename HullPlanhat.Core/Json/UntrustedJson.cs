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
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, int maxDepth = 64) =>
        JsonNode.Parse(Utf8.IsValid(utf8) ? utf8 : RepairUtf8(utf8), documentOptions: Options(maxDepth));

    /// <summary>The bytes with every invalid UTF-8 sequence replaced by U+FFFD: one broken string must not fail every element beside it.</summary>
    public static byte[] RepairUtf8(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8));

    public static JsonNode? Parse(string text, int maxDepth = 64) => JsonNode.Parse(text, documentOptions: Options(maxDepth));

    private static JsonDocumentOptions Options(int maxDepth) => new() { MaxDepth = maxDepth, AllowDuplicateProperties = false };
}
