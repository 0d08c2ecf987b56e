namespace SessionAnalytics.HelpBuilder.Output;

internal static class FileOutput
{
    /// <summary>
    /// Writes the file, creating its folder. Always written, even when unchanged: MSBuild decides whether the tool
    /// runs at all by comparing the outputs' time stamps with the docs', so an output must be newer after a run.
    /// </summary>
    public static void Write(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, content);
    }
}
