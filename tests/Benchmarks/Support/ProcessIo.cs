using System.Globalization;

namespace ReEngage.Flows.Benchmarks.Support;

/// <summary>
/// Bytes the calling thread and the whole process passed to read and write system calls (Linux's
/// <c>/proc/…/io</c>: rchar, wchar), for I/O volume figures that do not drift with the machine's
/// speed as times do. The thread's figure is the engine's own path (SQLite's reads, its WAL writes
/// at commit and any cache spill); the process adds the background checkpointer's copying.
/// </summary>
internal readonly record struct ProcessIo(long ThreadRead, long ThreadWritten, long ProcessRead, long ProcessWritten)
{
    public static ProcessIo Now()
    {
        var (threadRead, threadWritten) = Read("/proc/thread-self/io");
        var (processRead, processWritten) = Read("/proc/self/io");
        return new ProcessIo(threadRead, threadWritten, processRead, processWritten);
    }

    /// <summary>False where the system has no such counters (not Linux): then every figure is -1.</summary>
    public bool Available => ThreadRead >= 0;

    public static ProcessIo operator -(ProcessIo after, ProcessIo before) => !after.Available ? after :
        new(after.ThreadRead - before.ThreadRead, after.ThreadWritten - before.ThreadWritten, after.ProcessRead - before.ProcessRead, after.ProcessWritten - before.ProcessWritten);

    public override string ToString() => !Available
        ? "I/O not available"
        : string.Create(CultureInfo.InvariantCulture, $"this thread read {ThreadRead / 1e6:F1} MB, wrote {ThreadWritten / 1e6:F1} MB; the process {ProcessRead / 1e6:F1} MB, {ProcessWritten / 1e6:F1} MB");

    private static (long Read, long Written) Read(string path)
    {
        if (!File.Exists(path))
            return (-1, -1);
        long read = 0, written = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("rchar:", StringComparison.Ordinal))
                read = long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
            else if (line.StartsWith("wchar:", StringComparison.Ordinal))
                written = long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
        }

        return (read, written);
    }
}
