using System.Text;
using HullPlanhat.Core.Batch;

namespace HullPlanhat.Tests.Unit;

/// <summary>Extract lines with the byte offset after each, so a batch job resumes exactly where a chunk ended.</summary>
public sealed class ExtractLineReaderTests
{
    [Fact]
    public async Task Each_line_comes_with_the_offset_after_it_and_a_last_line_needs_no_newline()
    {
        var lines = await ReadAllAsync("a\r\nbé\n\nlast", start: 0, maxLineBytes: 100);

        Assert.Equal([("a", 3L), ("bé", 7L), ("", 8L), ("last", 12L)], lines);
    }

    [Fact]
    public async Task Reading_from_an_offset_gives_the_lines_after_it()
    {
        const string text = "first\nsecond\nthird\n";
        var all = await ReadAllAsync(text, 0, 100);

        var resumed = await ReadAllAsync(text[(int)all[0].End..], all[0].End, 100);

        Assert.Equal(all.Skip(1), resumed);
    }

    [Fact]
    public async Task A_line_over_the_limit_is_passed_over_without_its_text_and_the_next_one_is_read()
    {
        var huge = new string('x', 300_000);
        var lines = await ReadAllAsync($"ok\n{huge}\nafter", 0, maxLineBytes: 1000);

        Assert.Equal([("ok", 3L), (null, 3L + huge.Length + 1), ("after", 3L + huge.Length + 1 + 5)], lines);
    }

    [Fact]
    public async Task An_empty_extract_has_no_lines()
    {
        Assert.Empty(await ReadAllAsync("", 0, 100));
    }

    private static async Task<List<(string? Text, long End)>> ReadAllAsync(string text, long start, int maxLineBytes)
    {
        await using var reader = new ExtractLineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), start, maxLineBytes);
        var lines = new List<(string?, long)>();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            lines.Add((line.Text, line.EndOffset));
        }

        return lines;
    }
}
