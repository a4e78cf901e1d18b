using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace HullPlanhat.SelfHost.Logging;

/// <summary>
/// One JSON line per log entry in Hull's shape (hull-protocol.md §3.4):
/// <c>{level, message, context, data}</c> where <c>message</c> is the Hull event name
/// (<c>outgoing.account.skip</c>), <c>context</c> the scopes (connector, subject) and <c>data</c> the fields.
/// </summary>
public sealed class HullJsonConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "hull";

    // Escapes only what JSON requires (quotes, backslash, control characters), so timestamps keep a
    // literal '+' and names keep their letters; the lines are never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("level", Level(logEntry.LogLevel));
            json.WriteString("message", string.IsNullOrEmpty(logEntry.EventId.Name) ? logEntry.Formatter(logEntry.State, logEntry.Exception) : logEntry.EventId.Name);
            json.WriteString("category", logEntry.Category);

            json.WriteStartObject("context");
            scopeProvider?.ForEachScope((scope, writer) => WritePairs(writer, scope), json);
            json.WriteEndObject();

            json.WriteStartObject("data");
            WritePairs(json, logEntry.State);
            if (string.IsNullOrEmpty(logEntry.EventId.Name))
            {
                json.WriteString("text", logEntry.Formatter(logEntry.State, logEntry.Exception));
            }

            json.WriteEndObject();
            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception", exception.ToString());
            }

            json.WriteEndObject();
        }

        textWriter.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WritePairs(Utf8JsonWriter json, object? state)
    {
        if (state is not IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            return;
        }

        foreach (var (key, value) in pairs)
        {
            if (key == "{OriginalFormat}" || value is null)
            {
                continue;
            }

            json.WritePropertyName(SnakeCase(key));
            switch (value)
            {
                case double number when !double.IsFinite(number):
                    json.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                    break;
                case float number when !float.IsFinite(number):
                    json.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                    break;
                case int or long or double or decimal or float:
                    json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                    break;
                case DateTimeOffset time:
                    json.WriteStringValue(time.ToString("O", CultureInfo.InvariantCulture));
                    break;
                case DateTime time:
                    json.WriteStringValue(time.ToString("O", CultureInfo.InvariantCulture));
                    break;
                case TimeSpan span:
                    json.WriteStringValue(span.ToString("c", CultureInfo.InvariantCulture));
                    break;
                case bool flag:
                    json.WriteBooleanValue(flag);
                    break;
                default:
                    json.WriteStringValue(value.ToString());
                    break;
            }
        }
    }

    private static string SnakeCase(string key) => JsonNamingPolicy.SnakeCaseLower.ConvertName(key);

    private static string Level(Microsoft.Extensions.Logging.LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Trace or Microsoft.Extensions.Logging.LogLevel.Debug => "debug",
        Microsoft.Extensions.Logging.LogLevel.Information => "info",
        Microsoft.Extensions.Logging.LogLevel.Warning => "warn",
        _ => "error",
    };
}
