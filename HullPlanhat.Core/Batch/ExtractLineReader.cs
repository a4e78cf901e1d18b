using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace HullPlanhat.Core.Batch;

/// <summary>One line of an extract: its text (null when longer than allowed) and the byte offset just past it.</summary>
public readonly record struct ExtractLineRead(string? Text, long EndOffset);

/// <summary>
/// Reads a JSON-lines stream line by line and knows the byte offset after each line, so a job can
/// resume exactly where the last chunk ended. A line longer than the limit is passed over without
/// being held in memory (its text is null).
/// </summary>
public sealed class ExtractLineReader(Stream stream, long startOffset, int maxLineBytes) : IAsyncDisposable
{
    private readonly PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
    private long position = startOffset;
    private bool finished;

    public async ValueTask<ExtractLineRead?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var tooLong = false;
        while (!finished)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } newline)
            {
                var line = buffer.Slice(0, newline);
                var text = tooLong ? null : Decode(line);
                position += line.Length + 1;
                reader.AdvanceTo(buffer.GetPosition(1, newline));
                return new ExtractLineRead(text, position);
            }

            if (result.IsCompleted)
            {
                finished = true;
                if (buffer.Length == 0 && !tooLong)
                {
                    return null;
                }

                var text = tooLong ? null : Decode(buffer);
                position += buffer.Length;
                reader.AdvanceTo(buffer.End);
                return new ExtractLineRead(text, position);
            }

            if (buffer.Length > maxLineBytes)
            {
                tooLong = true; // drop what was read of it and keep looking for its end
                position += buffer.Length;
                reader.AdvanceTo(buffer.End);
                continue;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }

        return null;
    }

    private static string Decode(ReadOnlySequence<byte> line) => Encoding.UTF8.GetString(line).TrimEnd('\r');

    public ValueTask DisposeAsync() => reader.CompleteAsync();
}
