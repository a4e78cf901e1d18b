using System.Globalization;

namespace HullPlanhat.Sandbox.Cli;

/// <summary>Minimal <c>--name value</c> argument parsing.</summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public CliArgs(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    _values[arg[2..eq]] = arg[(eq + 1)..];
                    pending = null;
                }
                else
                {
                    pending = arg[2..];
                    _values[pending] = "true";
                }
            }
            else if (pending is not null)
            {
                _values[pending] = arg;
                pending = null;
            }
        }
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Require(string name) =>
        Get(name) ?? throw new ArgumentException($"--{name} is required");

    public int GetInt(string name, int fallback) =>
        Get(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
