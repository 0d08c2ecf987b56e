namespace SessionAnalytics.Tests.Infrastructure;

/// <summary>
/// A test that needs headless Chromium and the npm packages under tests/browser (npm ci there).
/// Skipped on a developer machine without them; in CI (SESSIONANALYTICS_REQUIRE_BROWSER=1) it runs and fails
/// instead, so a missing browser can never hide a gap.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (BrowserEnvironment.MissingPrerequisite() is string missing && !BrowserEnvironment.Required)
            Skip = missing + " (set SESSIONANALYTICS_REQUIRE_BROWSER=1 to make this a failure)";
    }
}

public static class BrowserEnvironment
{
    public static bool Required => Environment.GetEnvironmentVariable("SESSIONANALYTICS_REQUIRE_BROWSER") == "1";

    public static string BrowserTestsDirectory => Path.Combine(ModuleHost.RepoRoot, "tests", "browser");

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("SESSIONANALYTICS_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static string? MissingPrerequisite()
    {
        if (!File.Exists(ChromiumPath)) return $"Chromium not found at {ChromiumPath}";
        if (!Directory.Exists(Path.Combine(BrowserTestsDirectory, "node_modules", "playwright-core")))
            return "npm packages missing: run 'npm ci' in tests/browser";
        return null;
    }
}
