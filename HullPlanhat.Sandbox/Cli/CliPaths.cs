namespace HullPlanhat.Sandbox.Cli;

/// <summary>Resolves a path argument the way the person typing it meant it.</summary>
internal static class CliPaths
{
    /// <summary>
    /// An absolute path as is; a relative one against <c>--cwd</c>, else the shell's directory
    /// (<c>PWD</c>: <c>dotnet run --project</c> starts the program in the project's folder), else the current directory.
    /// </summary>
    public static string Resolve(string path, string? cwd)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        string?[] bases = [cwd, Environment.GetEnvironmentVariable("PWD"), Environment.CurrentDirectory];
        var candidates = bases.OfType<string>().Where(b => b.Length > 0).Select(b => Path.GetFullPath(path, b)).ToList();
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{path} not found (looked in {string.Join(", ", candidates.Distinct())}).");
    }
}
