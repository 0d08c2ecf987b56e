namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// The ErrorIds of reading Claude Code's own figures (<see cref="StatusLineFigures"/>, <see cref="CostCommandOutput"/>).
/// Each is a non-terminating problem with one file or line: the session is still measured, without those figures.
/// </summary>
public static class ClaudeCodeFiguresErrors
{
    /// <summary>A recorded status line file is not a JSON object (half-written by something other than the recorder,
    /// edited, or truncated by a full disk).</summary>
    public const string StatusLineFileMalformed = "StatusLineFileMalformed";
    /// <summary>A recorded status line file could not be read (I/O error).</summary>
    public const string StatusLineFileUnreadable = "StatusLineFileUnreadable";
    /// <summary>A recorded status line file may not be read by this user.</summary>
    public const string StatusLineFileAccessDenied = "StatusLineFileAccessDenied";
    /// <summary>A recorded status line file is larger than any status line JSON (the recorder refuses more than 1 MB).</summary>
    public const string StatusLineFileTooLarge = "StatusLineFileTooLarge";
    /// <summary>A recorded status line file names another session than its file name (copied or renamed by hand).</summary>
    public const string StatusLineFileSessionMismatch = "StatusLineFileSessionMismatch";
    /// <summary>The output of a /cost command in a transcript has none of the lines /cost is known to print.</summary>
    public const string CostCommandOutputUnrecognized = "CostCommandOutputUnrecognized";
}
