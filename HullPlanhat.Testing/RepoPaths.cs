namespace HullPlanhat.Testing;

/// <summary>Locates the repository (the folder holding HullPlanhat.sln); tests read nothing outside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HullPlanhat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("HullPlanhat.sln not found above " + AppContext.BaseDirectory);
    }
}
