using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Table string properties hold at most 32K characters; larger JSON is split over numbered
/// properties (the entity itself may hold up to 1 MiB).
/// </summary>
public static class LargeText
{
    private const int ChunkChars = 30_000;

    public static void Write(TableEntity entity, string name, string? text)
    {
        if (text is null)
        {
            return;
        }

        var chunks = (text.Length + ChunkChars - 1) / ChunkChars;
        entity[name + "Chunks"] = Math.Max(chunks, 1);
        entity[name] = text.Length <= ChunkChars ? text : text[..ChunkChars];
        for (var i = 1; i < chunks; i++)
        {
            entity[$"{name}{i}"] = text.Substring(i * ChunkChars, Math.Min(ChunkChars, text.Length - i * ChunkChars));
        }
    }

    public static string? Read(TableEntity entity, string name)
    {
        var first = entity.GetString(name);
        var chunks = entity.GetInt32(name + "Chunks") ?? 1;
        if (first is null || chunks <= 1)
        {
            return first;
        }

        return string.Concat(Enumerable.Range(1, chunks - 1).Select(i => entity.GetString($"{name}{i}")).Prepend(first));
    }
}
