using System.Text;
using System.Text.RegularExpressions;
using SessionAnalytics.HelpBuilder;
using SessionAnalytics.HelpBuilder.Markdown;
using SessionAnalytics.HelpBuilder.Model;
using SessionAnalytics.HelpBuilder.Output;

// Usage: SessionAnalytics.HelpBuilder --docs <dir> --output <module>/en-US --assembly <RootModule.dll>
// Reads <docs>/<Verb-Noun>.md → <output>/<assembly>-Help.xml (MAML) and <docs>/about_*.md → <output>/about_*.help.txt.
// Any other Markdown in docs/ (guides, integration notes) is not help and is left alone.
// Problems print as "file(line): error HBnnn: text" and make the exit code 1, which fails the build.

string? docs = null, output = null, assembly = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--docs" when i + 1 < args.Length: docs = args[++i]; break;
        case "--output" when i + 1 < args.Length: output = args[++i]; break;
        case "--assembly" when i + 1 < args.Length: assembly = args[++i]; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
            return 2;
    }
}
if (docs is null || output is null || assembly is null)
{
    Console.Error.WriteLine("usage: SessionAnalytics.HelpBuilder --docs <dir> --output <dir> --assembly <RootModule.dll>");
    return 2;
}
if (!Directory.Exists(docs))
{
    Console.Error.WriteLine($"{docs}: error HB000: The docs folder does not exist.");
    return 1;
}

var result = HelpBuild.Run(docs, output, assembly);
foreach (var diagnostic in result.Diagnostics.Items) Console.Error.WriteLine(diagnostic);
if (result.Diagnostics.HasErrors) return 1;
Console.WriteLine($"HelpBuilder: {result.CommandCount} command(s) → {result.MamlPath}; {result.AboutCount} about topic(s).");
return 0;

namespace SessionAnalytics.HelpBuilder
{
    internal sealed record HelpBuildResult(HelpDiagnostics Diagnostics, int CommandCount, int AboutCount, string MamlPath);

    internal static partial class HelpBuild
    {
        [GeneratedRegex(@"^[A-Za-z]+-[A-Za-z0-9]+\.md$")]
        private static partial Regex CommandDoc();

        [GeneratedRegex(@"^about_[A-Za-z0-9_]+\.md$")]
        private static partial Regex AboutDoc();

        /// <summary>Reads every help source of <paramref name="docs"/> and writes the outputs when none has an error.</summary>
        public static HelpBuildResult Run(string docs, string output, string assembly)
        {
            var diagnostics = new HelpDiagnostics();
            var files = Directory.GetFiles(docs).OrderBy(f => f, StringComparer.Ordinal).ToList();
            string Display(string path) => Path.GetFullPath(path);

            var commands = new List<CommandHelp>();
            var reader = new CommandHelpReader(diagnostics);
            foreach (var file in files.Where(f => CommandDoc().IsMatch(Path.GetFileName(f))))
                if (reader.Read(file, Display(file)) is { } help) commands.Add(help);

            var abouts = new List<(string Name, string Text)>();
            var aboutReader = new AboutTopicReader(diagnostics);
            foreach (var file in files.Where(f => AboutDoc().IsMatch(Path.GetFileName(f))))
                if (aboutReader.Read(file, Display(file)) is { } topic)
                    abouts.Add((topic.Name, AboutTopicWriter.Render(topic, Display(file), diagnostics)));

            var mamlPath = Path.GetFullPath(Path.Combine(output, assembly + "-Help.xml"));
            if (diagnostics.HasErrors) return new HelpBuildResult(diagnostics, commands.Count, abouts.Count, mamlPath);

            MamlWriter.Write(MamlWriter.Build(commands), mamlPath);
            foreach (var (name, text) in abouts)
                FileOutput.Write(Path.Combine(output, name + ".help.txt"), new UTF8Encoding(false).GetBytes(text));
            return new HelpBuildResult(diagnostics, commands.Count, abouts.Count, mamlPath);
        }
    }
}
