using System.Reflection;
using SessionAnalytics.Core.GitHub;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>Octokit lives in the module's private load context: no public member of the engine may expose it.</summary>
public sealed class GitHubSurfaceTests
{
    [Fact]
    public void No_public_engine_member_mentions_an_Octokit_type()
    {
        var offenders = new List<string>();
        foreach (var type in typeof(GitHubApi).Assembly.GetExportedTypes())
        {
            if (Mentions(type.BaseType)) offenders.Add(type.FullName!);
            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var types = member switch
                {
                    MethodBase m => m.GetParameters().Select(p => p.ParameterType).Append((m as MethodInfo)?.ReturnType),
                    PropertyInfo p => [p.PropertyType],
                    FieldInfo f => [f.FieldType],
                    EventInfo e => [e.EventHandlerType],
                    _ => [],
                };
                if (types.Any(Mentions)) offenders.Add($"{type.FullName}.{member.Name}");
            }
        }
        Assert.Empty(offenders);
    }

    private static bool Mentions(Type? t) =>
        t is not null && (t.Namespace?.StartsWith("Octokit", StringComparison.Ordinal) == true
                          || (t.IsGenericType && t.GetGenericArguments().Any(Mentions))
                          || (t.HasElementType && Mentions(t.GetElementType())));
}
