using System.Text.Json.Nodes;

namespace SessionAnalytics.Tests.ClaudeCodeFigures;

/// <summary>
/// Transcript lines of a local command (/cost, /model …) as Claude Code writes them, for <c>TranscriptBuilder.Raw</c>:
/// 2.1.x as <c>type: "system", subtype: "local_command"</c> lines, 1.x/2.0.x as <c>type: "user"</c> lines; the output's
/// parentUuid is the command line's uuid.
/// </summary>
public static class LocalCommandLines
{
    public enum Shape { System21, User10 }

    /// <returns>The command line and its output line, as JSON.</returns>
    public static (string Command, string Output) Of(string sessionId, string command, string stdout, Shape shape = Shape.System21,
        DateTimeOffset? at = null, string? parentUuid = null, string? outputParentUuid = null)
    {
        var time = (at ?? new DateTimeOffset(2026, 2, 10, 21, 16, 12, 381, TimeSpan.Zero)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        var commandUuid = Guid.NewGuid().ToString();
        var commandText = $"<command-name>/{command}</command-name>\n            <command-message>{command}</command-message>\n            <command-args></command-args>";
        var outputText = $"<local-command-stdout>{stdout}</local-command-stdout>";
        return (Line(sessionId, shape, commandText, commandUuid, parentUuid, time).ToJsonString(),
                Line(sessionId, shape, outputText, Guid.NewGuid().ToString(), outputParentUuid ?? commandUuid, time).ToJsonString());
    }

    private static JsonObject Line(string sessionId, Shape shape, string text, string uuid, string? parentUuid, string time)
    {
        var line = new JsonObject
        {
            ["parentUuid"] = parentUuid,
            ["isSidechain"] = false,
            ["userType"] = "external",
            ["cwd"] = "/home/dev/widget",
            ["sessionId"] = sessionId,
            ["version"] = shape == Shape.System21 ? "2.1.38" : "1.0.98",
            ["gitBranch"] = "main",
        };
        if (shape == Shape.System21)
        {
            line["type"] = "system";
            line["subtype"] = "local_command";
            line["content"] = text;
            line["level"] = "info";
            line["timestamp"] = time;
            line["uuid"] = uuid;
            line["isMeta"] = false;
        }
        else
        {
            line["type"] = "user";
            line["message"] = new JsonObject { ["role"] = "user", ["content"] = text };
            line["uuid"] = uuid;
            line["timestamp"] = time;
        }
        return line;
    }
}
