using System.Globalization;
using System.Text;

namespace HullPlanhat.Testing.Reliability;

/// <summary>One line of the reliability table; <see cref="Notes"/> carries the case's own figures.</summary>
public sealed record ReliabilityRow(string Case, string Load, string Faults, int Lost, int Duplicated, TimeSpan? Drain, string Notes = "");

/// <summary>The table the suite prints: case, load, faults injected, lost, duplicated, time to drain.</summary>
public static class ReliabilityTable
{
    private static readonly string[] Headers = ["case", "load", "faults injected", "lost", "duplicated", "time to drain", "notes"];

    public static string Format(IEnumerable<ReliabilityRow> rows)
    {
        var cells = rows.Select(r => new[]
        {
            r.Case, r.Load, r.Faults, r.Lost.ToString(CultureInfo.InvariantCulture), r.Duplicated.ToString(CultureInfo.InvariantCulture),
            r.Drain is { } drain ? $"{drain.TotalSeconds:0.0} s" : "-", r.Notes,
        }).ToList();
        var widths = Headers.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> values) =>
            text.Append("| ").AppendJoin(" | ", values.Select((v, i) => v.PadRight(widths[i]))).AppendLine(" |");
        Line(Headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        cells.ForEach(Line);
        return text.ToString();
    }
}
