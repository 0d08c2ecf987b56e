using System.Management.Automation;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;

namespace SessionAnalytics.PowerShell;

/// <summary>
/// Where the module's assemblies load. The module's own assemblies (the cmdlets and SessionAnalytics.Core, whose
/// types the cmdlets output) sit beside the manifest and load in the default context, so PowerShell resolves
/// <c>[SessionAnalytics.Core.Stats.SessionStats]</c>, <c>-is</c> and typed parameters. The third-party assemblies
/// (Octokit, CsvHelper, Markdig, Parquet.Net and its compressors) sit in <c>dependencies/</c> and load only in a private
/// <see cref="AssemblyLoadContext"/>, so another module with its own copy of one of them cannot clash with ours.
/// </summary>
/// <remarks>
/// The default context binds an assembly's references by name, once, and asks its Resolving event (this class)
/// only for names it cannot find itself. So SessionAnalytics.Core, in the default context, reaches the private
/// copies only while no other copy of the same name is in the default context:
/// <list type="bullet">
/// <item>At import, <see cref="OnImport"/> binds Core's references to the private copies at once, so a module
/// imported later can load its own copy into the default context without either module noticing.</item>
/// <item>A copy already in the default context that is older than ours does not satisfy the reference; the runtime
/// asks the Resolving event and Core gets ours.</item>
/// <item>A copy already there of our version or newer would be taken instead of ours. Then Core loads in the private
/// context too, as before this layout; PowerShell resolves no type literals from a private context, so the module
/// registers Core's public types as type accelerators under their full names, and literals, <c>-is</c> and the
/// format views keep working (a verbose line says so).</item>
/// </list>
/// A host that ships SessionAnalytics.Core itself (in its trusted platform assemblies, as the xunit host does)
/// decides on its own; nothing here interferes. docs/about_SessionAnalytics.md ("ASSEMBLIES AND OTHER MODULES")
/// says the same for users.
/// </remarks>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <summary>The name of the private load context (AssemblyLoadContext.All lists it).</summary>
    public const string LoadContextName = "SessionAnalytics";
    private const string EngineName = "SessionAnalytics.Core";

    private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
    private static readonly string EnginePath = Path.Combine(ModuleDirectory, EngineName + ".dll");
    private static readonly DependencyLoadContext Dependencies = new(Path.Combine(ModuleDirectory, "dependencies"));
    private static readonly object Gate = new();
    private static int _imports;
    private static bool _placed;
    private static Assembly? _isolatedEngine;
    private static string? _pendingNote;

    /// <summary>
    /// What the first cmdlet that reports anything writes as a verbose line (see
    /// <see cref="Infrastructure.CmdletDiagnostics"/>), once per process: why the engine is in the private context.
    /// </summary>
    internal static string? TakeLoadNote() => Interlocked.Exchange(ref _pendingNote, null);

    public void OnImport()
    {
        lock (Gate)
        {
            if (_imports++ > 0) return;
            AssemblyLoadContext.Default.Resolving += Resolve;
            if (!_placed)
            {
                _placed = true;
                PlaceEngine();
            }
            if (_isolatedEngine is not null) TypeAccelerators.Add(_isolatedEngine);
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (_imports == 0 || --_imports > 0) return;
            AssemblyLoadContext.Default.Resolving -= Resolve;
            if (_isolatedEngine is not null) TypeAccelerators.Remove(_isolatedEngine);
        }
    }

    /// <summary>Decides, once per process, which context the engine loads in, and binds its dependencies.</summary>
    private static void PlaceEngine()
    {
        if (HostShipsEngine()) return;
        var taken = Dependencies.Shipped
            .Select(shipped => (Shipped: shipped, Loaded: AssemblyLoadContext.Default.Assemblies.Select(a => a.GetName())
                .FirstOrDefault(a => string.Equals(a.Name, shipped.Name, StringComparison.OrdinalIgnoreCase))))
            .Where(p => p.Loaded?.Version is { } theirs && p.Shipped.Version is { } ours && theirs >= ours)
            .Select(p => $"{p.Loaded!.Name} {p.Loaded.Version}")
            .ToList();
        if (taken.Count > 0)
        {
            _isolatedEngine = Dependencies.LoadFromAssemblyPath(EnginePath);
            _pendingNote = $"Another module loaded {string.Join(", ", taken)} before SessionAnalytics, so SessionAnalytics keeps its " +
                "engine in its private load context with its own copies; its type names (e.g. [SessionAnalytics.Core.Stats.SessionStats]) " +
                "resolve through type accelerators.";
            return;
        }
        BindDependencies(AssemblyLoadContext.Default.LoadFromAssemblyName(EngineReference()));
    }

    /// <summary>
    /// Binds each of the engine's references to a shipped dependency now, by resolving one type the engine uses from
    /// it: the runtime keeps that binding for the engine, whatever the default context loads later.
    /// </summary>
    private static void BindDependencies(Assembly engine)
    {
        var pending = new HashSet<string>(Dependencies.Shipped.Select(n => n.Name!), StringComparer.OrdinalIgnoreCase);
        using var stream = File.OpenRead(engine.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.TypeReferences)
        {
            if (pending.Count == 0) break;
            var reference = metadata.GetTypeReference(handle);
            if (reference.ResolutionScope.Kind != HandleKind.AssemblyReference) continue;
            var assembly = metadata.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope);
            if (!pending.Remove(metadata.GetString(assembly.Name))) continue;
            engine.ManifestModule.ResolveType(MetadataTokens.GetToken(handle));
        }
    }

    /// <summary>The default context asks here for what it cannot find itself.</summary>
    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (string.Equals(name.Name, EngineName, StringComparison.Ordinal))
            return _isolatedEngine ?? (File.Exists(EnginePath) ? defaultContext.LoadFromAssemblyPath(EnginePath) : null);
        return Dependencies.Provides(name) ? Dependencies.LoadFromAssemblyName(name) : null;
    }

    private static AssemblyName EngineReference() =>
        typeof(ModuleInitializer).Assembly.GetReferencedAssemblies().First(n => n.Name == EngineName);

    /// <summary>True when the process's own trusted assemblies include the engine (a host built against it).</summary>
    private static bool HostShipsEngine() =>
        (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator)
            .Any(p => string.Equals(Path.GetFileName(p), EngineName + ".dll", StringComparison.OrdinalIgnoreCase));

    private sealed class DependencyLoadContext(string directory) : AssemblyLoadContext(LoadContextName, isCollectible: false)
    {
        /// <summary>The assemblies in dependencies/, by name and version.</summary>
        public IReadOnlyList<AssemblyName> Shipped { get; } = Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.dll").Select(AssemblyName.GetAssemblyName).ToList()
            : [];

        public bool Provides(AssemblyName name) => File.Exists(PathOf(name));

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var candidate = PathOf(assemblyName);
            // Anything not shipped in dependencies/ (the framework, PowerShell itself) comes from the default context.
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }

        private string PathOf(AssemblyName name) => Path.Combine(directory, name.Name + ".dll");
    }

    /// <summary>
    /// PowerShell's type accelerators ([psobject] and friends), which it consults for any type name before giving
    /// up. The class is not public, but it has been the documented-by-use way to add names since PowerShell 3.
    /// </summary>
    private static class TypeAccelerators
    {
        private static readonly Type? Accelerators = typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");

        public static void Add(Assembly engine)
        {
            var add = Accelerators?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(Type)]);
            foreach (var type in engine.GetExportedTypes()) add?.Invoke(null, [type.FullName, type]);
        }

        public static void Remove(Assembly engine)
        {
            var remove = Accelerators?.GetMethod("Remove", BindingFlags.Public | BindingFlags.Static, [typeof(string)]);
            foreach (var type in engine.GetExportedTypes()) remove?.Invoke(null, [type.FullName]);
        }
    }
}
