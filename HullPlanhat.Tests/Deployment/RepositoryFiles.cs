namespace HullPlanhat.Tests.Deployment;

/// <summary>Finds files of this repository from a test's working directory.</summary>
internal static class RepositoryFiles
{
    /// <summary>The directory holding HullPlanhat.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HullPlanhat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"HullPlanhat.sln not found in '{AppContext.BaseDirectory}' or any parent directory.");
    }
}
