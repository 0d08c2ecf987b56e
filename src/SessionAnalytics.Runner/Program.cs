using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Text.Json;
using SessionAnalytics.Runner;

// Runs PowerShell pipelines with the SessionAnalytics module imported, on a machine with only the .NET SDK:
//   dotnet run --project src/SessionAnalytics.Runner -- "Get-ClaudeSession | ConvertTo-SessionStats"
// Strings print as they are, objects through ToString(), --json prints objects as JSON lines.
// Warnings, verbose messages and errors go to stderr; any error makes the exit code non-zero.

var json = false;
string? modulePath = Environment.GetEnvironmentVariable("SESSIONANALYTICS_MODULE");
var scriptParts = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--json": json = true; break;
        case "--module" when i + 1 < args.Length: modulePath = args[++i]; break;
        case "-h" or "--help":
            Console.WriteLine("usage: SessionAnalytics.Runner [--json] [--module <psd1>] \"<pipeline>\"");
            return 0;
        default: scriptParts.Add(args[i]); break;
    }
}

if (scriptParts.Count == 0 && Console.IsInputRedirected)
    scriptParts.Add(Console.In.ReadToEnd());
if (scriptParts.Count == 0)
{
    Console.Error.WriteLine("usage: SessionAnalytics.Runner [--json] [--module <psd1>] \"<pipeline>\"");
    return 2;
}

modulePath ??= typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .FirstOrDefault(a => a.Key == "ModulePath")?.Value;
if (modulePath is null || !File.Exists(modulePath))
{
    Console.Error.WriteLine($"The SessionAnalytics module was not found at '{modulePath}'. Build it with 'dotnet build' or pass --module <path to SessionAnalytics.psd1>.");
    return 2;
}

var state = InitialSessionState.CreateDefault2();
state.ImportPSModule(modulePath);
var host = new RunnerHost();
using var runspace = RunspaceFactory.CreateRunspace(host, state);
runspace.Open();
using var ps = PowerShell.Create(runspace);
ps.AddScript(string.Join(' ', scriptParts));

var failed = false;
ps.Streams.Warning.DataAdded += (s, e) => Console.Error.WriteLine("WARNING: " + ps.Streams.Warning[e.Index].Message);
ps.Streams.Verbose.DataAdded += (s, e) => Console.Error.WriteLine("VERBOSE: " + ps.Streams.Verbose[e.Index].Message);
ps.Streams.Error.DataAdded += (s, e) =>
{
    failed = true;
    var record = ps.Streams.Error[e.Index];
    Console.Error.WriteLine($"ERROR: {record} [{record.FullyQualifiedErrorId}, {record.CategoryInfo.Category}]");
};
Console.CancelKeyPress += (s, e) => { e.Cancel = true; ps.Stop(); };

var output = new PSDataCollection<PSObject>();
var jsonOptions = new JsonSerializerOptions { WriteIndented = false };
output.DataAdded += (s, e) =>
{
    var item = output[e.Index]?.BaseObject;
    if (item is null) return;
    if (json && item is not string) Console.WriteLine(JsonSerializer.Serialize(item, item.GetType(), jsonOptions));
    else Console.WriteLine(item.ToString());
};

try
{
    ps.Invoke(null, output);
}
catch (RuntimeException e)
{
    Console.Error.WriteLine($"ERROR: {e.Message} [{e.ErrorRecord?.FullyQualifiedErrorId}]");
    return 1;
}
finally
{
    WriteProcessStats();
}
return host.ExitCode ?? (failed || ps.HadErrors ? 1 : 0);

// SESSIONANALYTICS_RUNNER_STATS=<file>: the benchmark's in-process figures (allocations, collections, JIT work),
// written as JSON when the pipeline ends.
static void WriteProcessStats()
{
    if (Environment.GetEnvironmentVariable("SESSIONANALYTICS_RUNNER_STATS") is not { Length: > 0 } path) return;
    File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["allocatedBytes"] = GC.GetTotalAllocatedBytes(true),
        ["gen0"] = GC.CollectionCount(0),
        ["gen1"] = GC.CollectionCount(1),
        ["gen2"] = GC.CollectionCount(2),
        ["jitMethods"] = System.Runtime.JitInfo.GetCompiledMethodCount(),
        ["jitSeconds"] = System.Runtime.JitInfo.GetCompilationTime().TotalSeconds,
    }));
}
