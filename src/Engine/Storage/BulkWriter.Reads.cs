using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SQLitePCL;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// The engine's preloads, through the same prepared statements as its writes: a batch reads its
/// customers' profiles and open runs by the thousand, and EF Core's query pipeline with
/// Microsoft.Data.Sqlite's reader cost 10–13 µs a run row on this machine against 6–7 µs for a
/// typed read of the same columns (SQLite itself ~3.5). Rows are materialized untracked by a
/// delegate compiled per entity type from the model — each column read as its stored type and
/// passed through the property's own value converter, as EF Core reads it. SQLite only, as the
/// writes: callers keep EF's query for other providers.
/// </summary>
internal static partial class BulkWriter
{
    private static readonly ConcurrentDictionary<(IEntityType Type, string? Without), Func<IntPtr, object>> Materializers = new();

    /// <summary>
    /// The <typeparamref name="T"/> rows meeting <paramref name="where"/> — SQL over the table's
    /// columns, an ORDER BY and LIMIT after it if need be, with parameters ?1, ?2 … bound to
    /// <paramref name="arguments"/> (text, numbers or null) — untracked, in the order SQLite returns them.
    /// </summary>
    public static async Task<List<T>> ReadAsync<T>(DbContext db, string where, IReadOnlyList<object?> arguments, CancellationToken cancellationToken, string? without = null)
        where T : class
    {
        using var lease = await LeaseAsync(db, cancellationToken);
        var type = db.Model.FindEntityType(typeof(T))!;
        var statement = lease.Statements.Prepared(type, $"read {type.Name} {where} without {without}", () =>
        {
            var columns = Selected(type, without);
            return ($"SELECT {string.Join(", ", columns.Select(Column))} FROM {Table(type)} WHERE {where}", columns);
        });
        return statement.Read<T>(arguments, Materializers.GetOrAdd((type, without), key => Materializer(key.Type, key.Without)));
    }

    /// <summary>The columns a read selects, in the model's order: every one but <paramref name="without"/> (left at its default in the rows read).</summary>
    private static List<IProperty> Selected(IEntityType type, string? without) =>
        [.. type.GetProperties().Where(p => p.Name != without)];

    /// <summary>The value a property of <typeparamref name="T"/> is stored as (an enum's name, an instant's ticks), for a query's argument.</summary>
    public static object Stored<T>(DbContext db, string property, object value) =>
        Stored(db.Model.FindEntityType(typeof(T))!, property, value);

    /// <summary>The value a property of <paramref name="type"/> is stored as, through the property's own converter.</summary>
    public static object Stored(IEntityType type, string property, object value) =>
        type.FindProperty(property)!.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;

    /// <summary>A key as EF Core's SQLite provider stores it (upper-case text), for a query's argument.</summary>
    public static string StoredKey(Guid key) => key.ToString("D").ToUpperInvariant();

    /// <summary>
    /// <c>row => new T { P0 = read(0), P1 = read(1), … }</c> over the columns in the order
    /// <see cref="ReadAsync{T}"/> selects them (the model's property order).
    /// </summary>
    private static Func<IntPtr, object> Materializer(IEntityType type, string? without)
    {
        var statement = Expression.Parameter(typeof(IntPtr), "row");
        var row = Expression.Variable(type.ClrType, "entity");

        // A compiled constructor call: the records' required members are a compile-time rule only.
        var body = new List<Expression> { Expression.Assign(row, Expression.New(type.ClrType)) };
        foreach (var (property, column) in Selected(type, without).Select((p, i) => (p, i)))
        {
            var info = property.PropertyInfo ?? throw new NotSupportedException($"The bulk reader reads CLR properties only; {type.DisplayName()}.{property.Name} is not one.");
            var converter = property.GetTypeMapping().Converter;
            var stored = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? property.ClrType) ?? converter?.ProviderClrType ?? property.ClrType;
            var model = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
            Expression value;
            if (model.IsEnum && converter is { } byName && byName.GetType().IsGenericType && byName.GetType().GetGenericTypeDefinition() == typeof(EnumToStringConverter<>))
                value = Expression.Call(typeof(Columns), nameof(Columns.Enum), [model], statement, Expression.Constant(column));   // by its name, as EF's converter stores it
            else
            {
                value = Expression.Call(ColumnReader(stored, type, property), statement, Expression.Constant(column));
                if (converter is not null)
                    value = Expression.Invoke(converter.ConvertFromProviderExpression, value);
            }

            value = Expression.Convert(value, info.PropertyType);
            if (property.IsNullable)
            {
                var isNull = Expression.Equal(Expression.Call(typeof(SqliteCalls), nameof(SqliteCalls.ColumnType), null, statement, Expression.Constant(column)), Expression.Constant(raw.SQLITE_NULL));
                value = Expression.Condition(isNull, Expression.Default(info.PropertyType), value);
            }

            body.Add(Expression.Assign(Expression.Property(row, info), value));
        }

        body.Add(Expression.Convert(row, typeof(object)));
        return Expression.Lambda<Func<IntPtr, object>>(Expression.Block([row], body), statement).Compile();
    }

    private static MethodInfo ColumnReader(Type stored, IEntityType type, IProperty property) =>
        typeof(Columns).GetMethod(stored.Name, BindingFlags.Public | BindingFlags.Static)
        ?? throw new NotSupportedException($"The bulk reader cannot read a {stored.Name} for {type.DisplayName()}.{property.Name}; give the property a value converter to a string or a number.");

    /// <summary>A column of the current row as each stored CLR type, named after the type.</summary>
    private static class Columns
    {
        public static string String(IntPtr row, int column) => SqliteCalls.ColumnText(row, column);

        public static long Int64(IntPtr row, int column) => SqliteCalls.ColumnInt64(row, column);

        public static int Int32(IntPtr row, int column) => (int)SqliteCalls.ColumnInt64(row, column);

        public static bool Boolean(IntPtr row, int column) => SqliteCalls.ColumnInt64(row, column) != 0;

        public static double Double(IntPtr row, int column) => SqliteCalls.ColumnDouble(row, column);

        // EF Core's SQLite provider stores decimals as text; the writer binds them as reals.
        public static decimal Decimal(IntPtr row, int column) =>
            SqliteCalls.ColumnType(row, column) == raw.SQLITE_TEXT
                ? decimal.Parse(String(row, column), NumberStyles.Float, CultureInfo.InvariantCulture)
                : (decimal)SqliteCalls.ColumnDouble(row, column);

        // A batch reads two keys and an enum's name for each of a few thousand runs: parsed from the
        // column's bytes, not from a string made for each.
        [ThreadStatic]
        private static byte[]? utf8;

        // Keys are stored as EF Core's SQLite provider writes them: text.
        public static Guid Guid(IntPtr row, int column)
        {
            var length = SqliteCalls.ColumnUtf8(row, column, ref Bytes());
            return Utf8Parser.TryParse(utf8.AsSpan(0, length), out Guid key, out var read, 'D') && read == length ? key : System.Guid.Parse(String(row, column));
        }

        // An enum stored by its name (EF Core's enum-to-string conversion); any other text fails as EF's would.
        public static TEnum Enum<TEnum>(IntPtr row, int column)
            where TEnum : struct, Enum
        {
            var length = SqliteCalls.ColumnUtf8(row, column, ref Bytes());
            foreach (var (name, value) in EnumNames<TEnum>.All)
            {
                if (utf8.AsSpan(0, length).SequenceEqual(name))
                    return value;
            }

            return System.Enum.Parse<TEnum>(String(row, column));
        }

        private static ref byte[] Bytes()
        {
            utf8 ??= new byte[64];
            return ref utf8!;
        }

        private static class EnumNames<TEnum>
            where TEnum : struct, Enum
        {
            public static readonly (byte[] Name, TEnum Value)[] All = [.. System.Enum.GetValues<TEnum>().Select(v => (System.Text.Encoding.UTF8.GetBytes(v.ToString()), v))];
        }
    }
}
