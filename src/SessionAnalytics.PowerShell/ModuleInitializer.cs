using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace SessionAnalytics.PowerShell;

/// <summary>
/// Loads the engine (SessionAnalytics.Core) and its third-party dependencies (Octokit, CsvHelper, Markdig) from
/// the module's <c>dependencies/</c> folder into a private <see cref="AssemblyLoadContext"/>, so another module
/// that ships a different Octokit or CsvHelper in the same session cannot clash with ours.
/// Only the cmdlet assembly lives in the default context; it reaches the engine through the Resolving event.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string DependencyDirectory =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies");

    private static readonly DependencyLoadContext LoadContext = new(DependencyDirectory);

    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveEngine;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name) =>
        name.Name == "SessionAnalytics.Core" ? LoadContext.LoadFromAssemblyName(name) : null;

    private sealed class DependencyLoadContext(string directory) : AssemblyLoadContext("SessionAnalytics", isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var candidate = Path.Combine(directory, assemblyName.Name + ".dll");
            // Anything not shipped in dependencies/ (the framework, PowerShell itself) comes from the default context.
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
