using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;

namespace HullPlanhat.Tests.Deployment;

/// <summary>
/// `./build.sh functions publish` (eng/build-functions.sh) gives a folder and a zip that zip deploy
/// takes: what the Functions host needs at the app root, and no local settings. The test publishes
/// the build it was built with (--no-build), into a temp folder, once for the class.
/// </summary>
public sealed class FunctionsPublishTests(FunctionsPublishTests.PublishedApp published) : IClassFixture<FunctionsPublishTests.PublishedApp>
{
    private static readonly string[] Required = ["host.json", "functions.metadata", "worker.config.json", "HullPlanhat.Functions.dll", "HullPlanhat.Functions.runtimeconfig.json", "extensions.json"];

    [Fact]
    public void The_folder_holds_the_app_at_its_root_and_no_local_settings()
    {
        var files = Directory.GetFiles(published.Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(published.Folder, f).Replace('\\', '/')).ToHashSet();
        Assert.All(Required, file => Assert.Contains(file, files));
        Assert.DoesNotContain(files, f => Path.GetFileName(f).Equals("local.settings.json", StringComparison.OrdinalIgnoreCase));

        Assert.Equal(File.ReadAllText(RepositoryFiles.PathOf("host.json")), File.ReadAllText(Path.Combine(published.Folder, "host.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")),
            File.ReadAllText(Path.Combine(published.Folder, "functions.metadata")));
    }

    [Fact]
    public void The_zip_holds_the_same_files_at_its_root()
    {
        using var zip = ZipFile.OpenRead(published.Zip);
        var entries = zip.Entries.Where(e => e.Length > 0 || !e.FullName.EndsWith('/')).Select(e => e.FullName.Replace('\\', '/')).ToHashSet();
        var files = Directory.GetFiles(published.Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(published.Folder, f).Replace('\\', '/')).ToHashSet();
        Assert.All(Required, file => Assert.Contains(file, entries));
        Assert.Equal(files.Order(), entries.Order());
    }

    public sealed class PublishedApp : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "hullplanhat-publish-" + Guid.NewGuid().ToString("N"));

        public PublishedApp()
        {
            var configuration = typeof(FunctionsPublishTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            var start = new ProcessStartInfo("bash", [RepositoryFiles.PathOf("eng", "build-functions.sh"), "publish"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["FUNCTIONS_OUT"] = root, ["CONFIGURATION"] = configuration, ["NO_BUILD"] = "1" },
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "eng/build-functions.sh publish did not finish in 5 minutes.");
            Assert.True(process.ExitCode == 0, $"eng/build-functions.sh publish failed ({process.ExitCode}):\n{output.Result}\n{errors.Result}");
        }

        public string Folder => Path.Combine(root, "functions");
        public string Zip => Path.Combine(root, "functions.zip");

        public void Dispose() => Directory.Delete(root, recursive: true);
    }
}
