using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// The engine's preloads, through the same prepared statements as its writes: a batch reads its
/// customers' profiles, entries and open runs by the thousand, and EF Core's query pipeline with
/// Microsoft.Data.Sqlite's reader cost 10–13 µs a run row on this machine against 6–7 µs here (SQLite
/// itself ~3.5). Rows are materialized untracked, every mapped column read back through the model's
/// own converters, as EF Core reads them. SQLite only, as the writes: callers keep EF's query for
/// other providers.
/// </summary>
internal static partial class BulkWriter
{
    /// <summary>
    /// The <typeparamref name="T"/> rows meeting <paramref name="where"/> — SQL over the table's
    /// columns, with parameters ?1, ?2 … bound to <paramref name="arguments"/> (text, numbers or
    /// null) — untracked, in the order SQLite returns them.
    /// </summary>
    public static async Task<List<T>> ReadAsync<T>(DbContext db, string where, IReadOnlyList<object?> arguments, CancellationToken cancellationToken)
        where T : class
    {
        using var lease = await LeaseAsync(db, cancellationToken);
        var type = db.Model.FindEntityType(typeof(T))!;
        var statement = lease.Statements.Prepared(type, $"read {type.Name} {where}", () =>
        {
            var columns = type.GetProperties().ToList();
            return ($"SELECT {string.Join(", ", columns.Select(Column))} FROM {Table(type)} WHERE {where}", columns);
        });
        return statement.Read<T>(arguments, Setters.Creator(typeof(T)));
    }

    /// <summary>The value a property of <typeparamref name="T"/> is stored as (an enum's name, an instant's ticks), for a query's argument.</summary>
    public static object? Stored<T>(DbContext db, string property, object value) =>
        db.Model.FindEntityType(typeof(T))!.FindProperty(property)!.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;

    /// <summary>Compiled constructors and property setters, made once per type and property for the life of the process.</summary>
    private static class Setters
    {
        private static readonly ConcurrentDictionary<Type, Func<object>> Creators = new();
        private static readonly ConcurrentDictionary<IProperty, Action<object, object?>> ByProperty = new();

        // A compiled constructor call, not Activator: the records' required members are a compile-time rule only.
        public static Func<object> Creator(Type type) =>
            Creators.GetOrAdd(type, t => Expression.Lambda<Func<object>>(Expression.Convert(Expression.New(t), typeof(object))).Compile());

        public static Action<object, object?> Of(IProperty property) => ByProperty.GetOrAdd(property, p =>
        {
            var info = p.PropertyInfo ?? throw new NotSupportedException($"The bulk reader reads CLR properties only; {p.DeclaringType.DisplayName()}.{p.Name} is not one.");
            var entity = Expression.Parameter(typeof(object), "entity");
            var value = Expression.Parameter(typeof(object), "value");
            var assign = Expression.Assign(Expression.Property(Expression.Convert(entity, info.DeclaringType!), info), Expression.Convert(value, info.PropertyType));
            return Expression.Lambda<Action<object, object?>>(assign, entity, value).Compile();
        });
    }
}
