using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Json;

/// <summary>Stable serialisation (object keys sorted ordinally) and hashing for change detection.</summary>
public static class CanonicalJson
{
    public static string Hash(JsonNode? node) => Hash(writer => Write(writer, node));

    /// <summary>The hash of what <paramref name="write"/> writes; for callers that write canonically themselves without building nodes.</summary>
    public static string Hash(Action<Utf8JsonWriter> write) => Convert.ToHexString(Sha256(write));

    /// <summary>SHA-256 of the canonical UTF-8 bytes.</summary>
    public static byte[] Sha256(JsonNode? node) => Sha256(writer => Write(writer, node));

    public static string Serialize(JsonNode? node) => Encoding.UTF8.GetString(Written(writer => Write(writer, node)).WrittenSpan);

    /// <summary>Writes <paramref name="node"/> with object keys sorted ordinally, at every depth.</summary>
    public static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                WriteObject(writer, obj, static _ => true);
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>Writes the properties of <paramref name="obj"/> that <paramref name="include"/> keeps, keys sorted ordinally.</summary>
    public static void WriteObject(Utf8JsonWriter writer, JsonObject obj, Func<string, bool> include)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (include(key))
            {
                writer.WritePropertyName(key);
                Write(writer, value);
            }
        }

        writer.WriteEndObject();
    }

    private static byte[] Sha256(Action<Utf8JsonWriter> write) => SHA256.HashData(Written(write).WrittenSpan);

    private static ArrayBufferWriter<byte> Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer;
    }
}
