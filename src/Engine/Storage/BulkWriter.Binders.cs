using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// How a statement's parameters are read from an entity: a delegate compiled per entity type and
/// column list from the EF model — each property read as its own type, passed through its value
/// converter's expression, and bound with the SQLite call for the stored type. Reading each column
/// through EF's boxed getter and converter, then switching on the boxed value's type, was a tenth of
/// an ingest batch's time: a batch binds a few hundred thousand values.
/// </summary>
internal static partial class BulkWriter
{
    private static readonly ConcurrentDictionary<(IEntityType Type, string Columns), Action<Statement, object>> Binders = new();

    private static Action<Statement, object> Binder(IEntityType type, IReadOnlyList<IProperty> columns) =>
        Binders.GetOrAdd((type, string.Join(",", columns.Select(c => c.Name))), _ => CompileBinder(type, columns));

    /// <summary><c>(statement, entity) => { statement.BindX(1, convert(entity.P0)); … }</c>, parameters numbered from 1 in column order.</summary>
    private static Action<Statement, object> CompileBinder(IEntityType type, IReadOnlyList<IProperty> columns)
    {
        var statement = Expression.Parameter(typeof(Statement), "statement");
        var entity = Expression.Parameter(typeof(object), "entity");
        var row = Expression.Variable(type.ClrType, "row");
        var body = new List<Expression> { Expression.Assign(row, Expression.Convert(entity, type.ClrType)) };
        for (var i = 0; i < columns.Count; i++)
            body.Add(BindColumn(statement, row, columns[i], i + 1, type));
        return Expression.Lambda<Action<Statement, object>>(Expression.Block([row], body), statement, entity).Compile();
    }

    private static Expression BindColumn(ParameterExpression statement, ParameterExpression row, IProperty property, int index, IEntityType type)
    {
        var info = property.PropertyInfo ?? throw new NotSupportedException($"The bulk writer writes CLR properties only; {type.DisplayName()}.{property.Name} is not one.");
        Expression value = Expression.Property(row, info);
        var converter = property.GetTypeMapping().Converter;
        var bindNull = Expression.Call(statement, nameof(Statement.BindNull), null, Expression.Constant(index));

        // EF's converters never see a null: a null column is bound as NULL before any conversion.
        Expression? isNull = null;
        if (!value.Type.IsValueType || Nullable.GetUnderlyingType(value.Type) is not null)
        {
            isNull = Expression.Equal(value, Expression.Constant(null, value.Type));
            if (Nullable.GetUnderlyingType(value.Type) is { } underlying)
                value = Expression.Convert(value, underlying);
        }

        if (converter is not null)
        {
            var model = converter.ConvertToProviderExpression.Parameters[0].Type;
            value = Expression.Invoke(converter.ConvertToProviderExpression, Expression.Convert(value, model));
            if (Nullable.GetUnderlyingType(value.Type) is { } provider)
            {
                var converted = Expression.Variable(value.Type, "converted");
                var bound = BindStored(statement, Expression.Convert(converted, provider), index, type, property);
                var write = Expression.Block([converted], Expression.Assign(converted, value),
                    Expression.IfThenElse(Expression.Equal(converted, Expression.Constant(null, converted.Type)), bindNull, bound));
                return isNull is null ? write : Expression.IfThenElse(isNull, bindNull, write);
            }
        }

        var bind = BindStored(statement, value, index, type, property);
        return isNull is null ? bind : Expression.IfThenElse(isNull, bindNull, bind);
    }

    /// <summary>The bind call for a non-null value of its stored type (the forms the untyped writer bound).</summary>
    private static Expression BindStored(ParameterExpression statement, Expression value, int index, IEntityType type, IProperty property)
    {
        var at = Expression.Constant(index);
        var stored = value.Type;
        if (stored == typeof(string))
            return Expression.Condition(Expression.Equal(value, Expression.Constant(null, typeof(string))),
                Expression.Call(statement, nameof(Statement.BindNull), null, at),
                Expression.Call(statement, nameof(Statement.BindString), null, at, value));
        if (stored == typeof(Guid))
            return Expression.Call(statement, nameof(Statement.BindKey), null, at, value);
        if (stored == typeof(bool))
            return Expression.Call(statement, nameof(Statement.BindInt64), null, at, Expression.Condition(value, Expression.Constant(1L), Expression.Constant(0L)));
        if (stored == typeof(long) || stored == typeof(int) || stored == typeof(short) || stored == typeof(byte))
            return Expression.Call(statement, nameof(Statement.BindInt64), null, at, Expression.Convert(value, typeof(long)));
        if (stored == typeof(double) || stored == typeof(float) || stored == typeof(decimal))
            return Expression.Call(statement, nameof(Statement.BindDouble), null, at, Expression.Convert(value, typeof(double)));
        throw new NotSupportedException($"The bulk writer cannot bind a {stored.Name} for a {type.GetTableName()} column ({property.Name}); give the property a value converter to a string or a number.");
    }
}
