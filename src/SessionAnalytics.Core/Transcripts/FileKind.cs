using System.Runtime.InteropServices;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>What a path names once symbolic links are followed.</summary>
public enum FileKind
{
    Missing,
    RegularFile,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    /// <summary>Not a regular file as far as can be told without opening it (see <see cref="FileKinds.Of"/>).</summary>
    Other,
}

/// <summary>
/// The kind of a file, found without opening it: opening a FIFO blocks until a writer comes, and a device such as
/// /dev/zero never ends, so discovery and the line reader must know before they open anything.
/// .NET reports no file type on Unix (FileAttributes say only Directory or Normal), so on Linux the type comes from
/// statx(2), whose buffer layout is the same on every architecture. Where statx is not available (macOS, older C
/// libraries) a non-directory counts as a regular file only when it has a size: FIFOs, devices and sockets report 0,
/// and an empty file has nothing to read anyway, so nothing that could hang is ever opened.
/// </summary>
public static class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int TypeMask = 0xF000;
    private static bool _statxMissing = !OperatingSystem.IsLinux();

    public static FileKind Of(string path)
    {
        if (!_statxMissing)
        {
            try
            {
                if (Statx(AtFdCwd, path, 0, StatxType, out var buffer) != 0)
                    return Directory.Exists(path) ? FileKind.Directory : FileKind.Missing; // ENOENT, ELOOP, EACCES…: opening would fail too
                return (buffer.Mode & TypeMask) switch
                {
                    0x8000 => FileKind.RegularFile,
                    0x4000 => FileKind.Directory,
                    0x1000 => FileKind.Fifo,
                    0x2000 => FileKind.CharacterDevice,
                    0x6000 => FileKind.BlockDevice,
                    0xC000 => FileKind.Socket,
                    _ => FileKind.Other,
                };
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _statxMissing = true;
            }
        }
        if (Directory.Exists(path)) return FileKind.Directory;
        var file = new FileInfo(path);
        if (!file.Exists) return FileKind.Missing;
        return file.Length > 0 ? FileKind.RegularFile : FileKind.Other;
    }

    /// <summary>How a file kind reads in a message: "a FIFO", "a character device".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Directory => "a directory",
        FileKind.Missing => "missing",
        FileKind.RegularFile => "a regular file",
        _ => "empty or not a regular file",
    };

    /// <summary>struct statx: stx_mode is the 16-bit field at offset 28 on every Linux architecture; the whole struct is 256 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)] public ushort Mode;
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);
}
