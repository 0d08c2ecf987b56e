using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.GitHub;

/// <summary>
/// Passes everything on with a secret replaced by "***". The GitHub code never formats the token into a message;
/// this is the second line of defence for text that comes from elsewhere (an exception, a server's error body).
/// </summary>
internal sealed class RedactingDiagnostics(IDiagnostics inner, string secret) : IDiagnostics
{
    public void Warning(string message) => inner.Warning(Redact(message));
    public void Verbose(string message) => inner.Verbose(Redact(message));
    public void Progress(string activity, string status, int percentComplete) => inner.Progress(Redact(activity), Redact(status), percentComplete);

    public void Error(EngineError error) => inner.Error(Redact(error));

    public string Redact(string text) => TokenRedaction.Redact(text, secret);

    public EngineError Redact(EngineError error) => TokenRedaction.Redact(error, secret);
}
