namespace HullPlanhat.Core.Logging;

/// <summary>Text quoted into a log line or an error message: at most so many characters, a cut marked with "…".</summary>
public static class Excerpt
{
    public static string Of(string text, int maxChars) => text.Length <= maxChars ? text : text[..maxChars] + "…";
}
