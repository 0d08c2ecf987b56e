using System.Xml;
using System.Xml.Linq;
using SessionAnalytics.HelpBuilder.Model;

namespace SessionAnalytics.HelpBuilder.Output;

/// <summary>
/// Writes the MAML file Get-Help reads for a binary module (&lt;assembly&gt;.dll-Help.xml): one command:command per
/// cmdlet with details, description, syntax per parameter set, parameters, input and return types, notes,
/// examples and related links — the elements platyPS writes, so Get-Help renders it like any shipped module.
/// </summary>
internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly XNamespace MsHelp = "http://msdn.microsoft.com/mshelp";

    public static XDocument Build(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems",
                new XAttribute("schema", "maml"),
                commands.OrderBy(c => c.Name, StringComparer.Ordinal).Select(CommandElement)));

    public static void Write(XDocument document, string path)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false), NewLineChars = "\n" };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, settings)) document.Save(writer);
        FileOutput.Write(path, buffer.ToArray());
    }

    private static XElement CommandElement(CommandHelp help) =>
        new(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelp),
            new XElement(Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Verb),
                new XElement(Command + "noun", help.Noun),
                Description(Maml + "description", [help.Synopsis])),
            Description(Maml + "description", help.Description),
            new XElement(Command + "syntax", help.Syntax.Select(item => SyntaxItemElement(help, item))),
            new XElement(Command + "parameters", help.Parameters.Select(ParameterElement)),
            new XElement(Command + "inputTypes", help.Inputs.Select(t => TypeElement(Command + "inputType", t))),
            new XElement(Command + "returnValues", help.Outputs.Select(t => TypeElement(Command + "returnValue", t))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", help.Notes.Select(Para))),
            new XElement(Command + "examples", help.Examples.Select(ExampleElement)),
            new XElement(Command + "relatedLinks", help.Links.Select(LinkElement)));

    private static XElement SyntaxItemElement(CommandHelp help, SyntaxItem item) =>
        new(Command + "syntaxItem",
            new XElement(Maml + "name", help.Name),
            item.Parameters.Select(sp =>
            {
                var doc = help.Parameters.First(p => p.Name.Equals(sp.Name, StringComparison.OrdinalIgnoreCase));
                var attributes = doc.For(item.SetName)!;
                return ParameterElement(doc, attributes, inSyntax: true, required: sp.Mandatory);
            }));

    private static XElement ParameterElement(ParameterHelp doc) =>
        ParameterElement(doc, doc.Attributes[0], inSyntax: false, required: doc.Attributes.Any(a => a.Required));

    private static XElement ParameterElement(ParameterHelp doc, ParameterAttributes attributes, bool inSyntax, bool required)
    {
        var element = new XElement(Command + "parameter",
            new XAttribute("required", Bool(required)),
            new XAttribute("variableLength", Bool(attributes.Type.EndsWith("[]", StringComparison.Ordinal))),
            new XAttribute("globbing", Bool(attributes.Globbing)),
            new XAttribute("pipelineInput", attributes.PipelineInput),
            new XAttribute("position", attributes.IsNamed ? "named" : attributes.Position),
            new XAttribute("aliases", attributes.Aliases.Count == 0 ? "none" : string.Join(", ", attributes.Aliases)),
            new XElement(Maml + "name", doc.Name),
            Description(Maml + "description", doc.Description));
        // Get-Help shows "-Force" for a switch and "-Name <String>" otherwise; a switch in the syntax has no value.
        if (!(inSyntax && attributes.IsSwitch))
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", Bool(!attributes.IsSwitch)),
                new XAttribute("variableLength", "false"),
                attributes.Type));
        if (attributes.AcceptedValues.Count > 0)
            element.Add(new XElement(Command + "parameterValueGroup", attributes.AcceptedValues.Select(v =>
                new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
        element.Add(
            new XElement(Dev + "type", new XElement(Maml + "name", attributes.Type), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", attributes.DefaultValue));
        return element;
    }

    private static XElement TypeElement(XName name, TypeHelp type) =>
        new(name,
            new XElement(Dev + "type", new XElement(Maml + "name", type.Name)),
            Description(Maml + "description", type.Description));

    private static XElement ExampleElement(ExampleHelp example) =>
        new(Command + "example",
            new XElement(Maml + "title", Banner(example.Title)),
            new XElement(Dev + "code", example.Code),
            new XElement(Dev + "remarks", example.Remarks.Select(Para)));

    /// <summary>"---- Example 1: Title ----" as wide as fits the console's 80 columns with Get-Help's indent.</summary>
    private static string Banner(string title)
    {
        var dashes = Math.Max(2, (76 - title.Length - 2) / 2);
        return $"{new string('-', dashes)} {title} {new string('-', dashes)}";
    }

    private static XElement LinkElement(RelatedLink link) =>
        new(Maml + "navigationLink",
            new XElement(Maml + "linkText", link.Text),
            // Get-Help -Online opens the first absolute address; a link to another help topic has none.
            new XElement(Maml + "uri", Uri.TryCreate(link.Uri, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? link.Uri : ""));

    private static XElement Description(XName name, IEnumerable<string> paragraphs) => new(name, paragraphs.Select(Para));

    private static XElement Para(string text) => new(Maml + "para", text);

    private static string Bool(bool value) => value ? "true" : "false";
}
