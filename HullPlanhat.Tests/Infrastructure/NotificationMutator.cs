using System.Text;
using System.Text.Json.Nodes;

namespace HullPlanhat.Tests.Infrastructure;

public enum MutationKind { WrongType, Null, RemoveKey, HugeString, DeepNesting, TooDeep, DuplicateKey, InvalidUtf8, Envelope }

/// <summary>One mutated notification: its bytes, what was done, and the ids of the untouched elements beside the mutated one.</summary>
public sealed record MutatedNotification(byte[] Body, MutationKind Kind, string Description, IReadOnlyList<string> ValidIds)
{
    /// <summary>Mutations inside one element: the notification must still be accepted with the valid elements.</summary>
    public bool IsElementLevel => Kind is not (MutationKind.Envelope or MutationKind.TooDeep);
}

/// <summary>
/// Seeded random mutations of a real Hull notification (a fixture): the middle one of three copies of
/// its message is mutated (wrong types, nulls, huge strings, deep nesting, duplicate keys, invalid
/// UTF-8), or, now and then, the envelope itself.
/// </summary>
public sealed class NotificationMutator(JsonObject fixture, int seed)
{
    private const string Marker = "__MUTATION_MARKER__";
    private readonly Random random = new(seed);
    private readonly string subject = fixture["channel"]!.GetValue<string>() == "user:update" ? "user" : "account";

    public static JsonObject LoadFixture(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "hull-planhat-0.1.7", name)))!.AsObject();

    /// <param name="configure">Adjusts the envelope (e.g. the connector's credentials, a fresh notification id).</param>
    public MutatedNotification Next(Action<JsonObject>? configure = null)
    {
        var envelope = (JsonObject)fixture.DeepClone();
        configure?.Invoke(envelope);
        var template = (JsonObject)fixture["messages"]![0]!.DeepClone();
        var validIds = new[] { $"valid-{random.Next():x}-a", $"valid-{random.Next():x}-b" };
        var first = WithId(template, validIds[0]);
        var last = WithId(template, validIds[1]);
        var mutated = WithId(template, $"mutated-{random.Next():x}");

        var kind = (MutationKind)random.Next(Enum.GetValues<MutationKind>().Length);
        string description;
        string mutatedText;
        if (kind == MutationKind.Envelope)
        {
            description = MutateEnvelope(envelope);
            mutatedText = mutated.ToJsonString();
        }
        else
        {
            (description, mutatedText) = MutateElement(mutated, kind);
        }

        envelope["messages"] = Marker;
        var text = envelope.ToJsonString().Replace($"\"{Marker}\"", $"[{first.ToJsonString()},{mutatedText},{last.ToJsonString()}]", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (kind == MutationKind.InvalidUtf8)
        {
            bytes = ReplaceMarker(bytes);
        }

        return new(bytes, kind, description, validIds);
    }

    private JsonObject WithId(JsonObject template, string id)
    {
        var copy = (JsonObject)template.DeepClone();
        copy[subject]!["id"] = id;
        return copy;
    }

    private (string Description, string Text) MutateElement(JsonObject message, MutationKind kind)
    {
        var (parent, key) = RandomSlot(message);
        switch (kind)
        {
            case MutationKind.WrongType:
                var value = RandomValue();
                Set(parent, key, value);
                return ($"{key} = {value?.ToJsonString() ?? "null"}", message.ToJsonString());
            case MutationKind.Null:
                Set(parent, key, null);
                return ($"{key} = null", message.ToJsonString());
            case MutationKind.RemoveKey when parent is JsonObject obj:
                obj.Remove((string)key);
                return ($"removed {key}", message.ToJsonString());
            case MutationKind.RemoveKey:
                Set(parent, key, null);
                return ($"{key} = null", message.ToJsonString());
            case MutationKind.HugeString:
                Set(parent, key, new string('h', 80_000 + random.Next(40_000)));
                return ($"{key} = huge string", message.ToJsonString());
            case MutationKind.DeepNesting or MutationKind.TooDeep:
                var depth = kind == MutationKind.TooDeep ? 300 : 65 + random.Next(150);
                Set(parent, key, Marker);
                var nested = new string('[', depth) + new string(']', depth);
                return ($"{key} = {depth} nested arrays", message.ToJsonString().Replace($"\"{Marker}\"", nested, StringComparison.Ordinal));
            case MutationKind.DuplicateKey:
                var text = message.ToJsonString();
                var duplicate = random.Next(2) == 0 ? subject : "account_segments";
                return ($"duplicate key {duplicate}", "{" + $"\"{duplicate}\":{RandomValue()?.ToJsonString() ?? "null"}," + text[1..]);
            case MutationKind.InvalidUtf8:
                Set(parent, key, "before" + Marker + "after");
                return ($"{key} = invalid UTF-8", message.ToJsonString());
            default:
                throw new InvalidOperationException(kind.ToString());
        }
    }

    private string MutateEnvelope(JsonObject envelope)
    {
        string[] keys = ["notification_id", "configuration", "connector", "channel", "segments", "accounts_segments", "is_export", "kraken"];
        var key = keys[random.Next(keys.Length)];
        var value = RandomValue();
        envelope[key] = value;
        return $"envelope {key} = {value?.ToJsonString() ?? "null"}";
    }

    /// <summary>A random (container, key or index) inside the message, at any depth.</summary>
    private (JsonNode Parent, object Key) RandomSlot(JsonObject message)
    {
        JsonNode parent = message;
        object key = subject;
        var node = (JsonNode)message;
        for (var level = 0; level < 6; level++)
        {
            switch (node)
            {
                case JsonObject obj when obj.Count > 0:
                    parent = obj;
                    key = obj.ElementAt(random.Next(obj.Count)).Key;
                    node = obj[(string)key]!;
                    break;
                case JsonArray array when array.Count > 0:
                    parent = array;
                    key = random.Next(array.Count);
                    node = array[(int)key]!;
                    break;
                default:
                    return (parent, key);
            }

            if (node is null || random.Next(3) == 0)
            {
                break;
            }
        }

        return (parent, key);
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject obj)
        {
            obj[(string)key] = value;
        }
        else
        {
            parent.AsArray()[(int)key] = value;
        }
    }

    private JsonNode? RandomValue() => random.Next(9) switch
    {
        0 => random.Next(),
        1 => -random.NextDouble() * 1e300,
        2 => "text-" + random.Next(),
        3 => random.Next(2) == 0,
        4 => new JsonArray(1, "two", null, new JsonObject()),
        5 => new JsonObject { ["id"] = random.Next(), ["nested"] = new JsonObject { ["x"] = null } },
        6 => "",
        7 => long.MaxValue,
        _ => null,
    };

    private byte[] ReplaceMarker(byte[] bytes)
    {
        byte[][] invalid = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]];
        var bad = invalid[random.Next(invalid.Length)];
        var marker = Encoding.UTF8.GetBytes(Marker);
        var at = bytes.AsSpan().IndexOf(marker);
        return at < 0 ? bytes : [.. bytes.AsSpan(0, at), .. bad, .. bytes.AsSpan(at + marker.Length)];
    }
}
