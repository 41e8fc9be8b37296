using System.Runtime.InteropServices;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// The few SQLite calls the bulk writer and reader make per value, straight to the e_sqlite3 library
/// SQLitePCLRaw loads (the same native library, by the same name). SQLitePCLRaw's own calls take its
/// safe handles, which count a reference up and down on every call, behind an interface call to its
/// provider: a few percent of an ingest batch, which binds and reads over a million values. The
/// handles stay SQLitePCLRaw's (prepared and finalized there); these take their raw pointers.
/// </summary>
internal static class SqliteCalls
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLITE_TRANSIENT: SQLite copies bound text before the call returns.</summary>
    private static readonly IntPtr Transient = new(-1);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_bind_int64(IntPtr statement, int index, long value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_bind_double(IntPtr statement, int index, double value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_bind_null(IntPtr statement, int index);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_bind_text(IntPtr statement, int index, byte[] utf8, int length, IntPtr destructor);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_step(IntPtr statement);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_reset(IntPtr statement);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_changes(IntPtr db);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern long sqlite3_column_int64(IntPtr statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern double sqlite3_column_double(IntPtr statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_column_type(IntPtr statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr sqlite3_column_text(IntPtr statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_column_bytes(IntPtr statement, int column);

    public static int BindInt64(IntPtr statement, int index, long value) => sqlite3_bind_int64(statement, index, value);

    public static int BindDouble(IntPtr statement, int index, double value) => sqlite3_bind_double(statement, index, value);

    public static int BindNull(IntPtr statement, int index) => sqlite3_bind_null(statement, index);

    /// <summary>The first <paramref name="length"/> bytes of <paramref name="utf8"/> as text (copied by SQLite).</summary>
    public static int BindText(IntPtr statement, int index, byte[] utf8, int length) => sqlite3_bind_text(statement, index, utf8, length, Transient);

    public static int Step(IntPtr statement) => sqlite3_step(statement);

    public static int Reset(IntPtr statement) => sqlite3_reset(statement);

    public static int Changes(IntPtr db) => sqlite3_changes(db);

    public static long ColumnInt64(IntPtr statement, int column) => sqlite3_column_int64(statement, column);

    public static double ColumnDouble(IntPtr statement, int column) => sqlite3_column_double(statement, column);

    public static int ColumnType(IntPtr statement, int column) => sqlite3_column_type(statement, column);

    /// <summary>A text column of the current row (the empty string for NULL: callers test for NULL first where a column may hold one).</summary>
    public static string ColumnText(IntPtr statement, int column)
    {
        var text = sqlite3_column_text(statement, column);
        return text == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(text, sqlite3_column_bytes(statement, column));
    }

    /// <summary>A text column's UTF-8 bytes copied into <paramref name="buffer"/> (grown if need be); returns their count (0 for NULL).</summary>
    public static int ColumnUtf8(IntPtr statement, int column, ref byte[] buffer)
    {
        var text = sqlite3_column_text(statement, column);
        if (text == IntPtr.Zero)
            return 0;
        var length = sqlite3_column_bytes(statement, column);
        if (buffer.Length < length)
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        Marshal.Copy(text, buffer, 0, length);
        return length;
    }
}
