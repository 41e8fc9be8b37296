using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Tests.Runtime;

/// <summary>The session's own bookkeeping of the runs and entries it reads untracked.</summary>
public sealed class HeldRowsTests
{
    private static RunRecord Run() => new()
    {
        Id = Guid.CreateVersion7(),
        FlowId = "cart",
        Version = 1,
        CustomerId = "c-1",
        Status = RunStatus.Waiting,
        NodeId = "wait",
        WakeAt = DateTimeOffset.UnixEpoch,
        EnteredAt = DateTimeOffset.UnixEpoch,
    };

    public static TheoryData<string> RunColumnsUpdated() =>
        [.. Columns<RunRecord>().Where(c => c != nameof(RunRecord.Id)).Except(EngineSession.RunFixedColumns)];

    public static TheoryData<string> RunColumnsFixed() => [.. EngineSession.RunFixedColumns];

    public static TheoryData<string> ProfileColumnsButTheId() => ColumnsButTheId<CustomerRecord>(nameof(CustomerRecord.Id));

    private static TheoryData<string> ColumnsButTheId<T>(string id) =>
        [.. Columns<T>().Where(c => c != id)];

    private static IEnumerable<string> Columns<T>() => typeof(T).GetProperties().Where(p => p.CanWrite).Select(p => p.Name);

    [Theory]
    [MemberData(nameof(RunColumnsUpdated))]
    public void A_change_to_any_column_a_run_update_writes_makes_it_unwritten(string column)
    {
        var rows = new HeldRows<Guid, RunRecord, RunColumns>(r => r.Id, RunColumns.Of);
        var run = rows.Read(Run());
        Assert.Empty(rows.Unwritten().Changed);

        var property = typeof(RunRecord).GetProperty(column)!;
        property.SetValue(run, Other(property.PropertyType, property.GetValue(run)));

        Assert.Same(run, Assert.Single(rows.Unwritten().Changed));
        rows.Written(rows.Unwritten().Changed);
        Assert.Empty(rows.Unwritten().Changed);
    }

    [Theory]
    [MemberData(nameof(RunColumnsFixed))]
    public void The_columns_set_when_a_run_starts_are_not_watched_as_its_updates_never_write_them(string column)
    {
        var rows = new HeldRows<Guid, RunRecord, RunColumns>(r => r.Id, RunColumns.Of);
        var run = rows.Read(Run());
        var property = typeof(RunRecord).GetProperty(column)!;
        property.SetValue(run, Other(property.PropertyType, property.GetValue(run)));

        Assert.Empty(rows.Unwritten().Changed);
    }

    [Theory]
    [MemberData(nameof(ProfileColumnsButTheId))]
    public void A_change_to_any_column_of_a_profile_read_makes_it_unwritten(string column)
    {
        var rows = new HeldRows<string, CustomerRecord, CustomerColumns>(c => c.Id, CustomerColumns.Of);
        var customer = rows.Read(new CustomerRecord { Id = "c-1" });
        var property = typeof(CustomerRecord).GetProperty(column)!;
        property.SetValue(customer, Other(property.PropertyType, property.GetValue(customer)));

        Assert.Same(customer, Assert.Single(rows.Unwritten().Changed));
    }

    [Fact]
    public void A_row_read_again_is_the_instance_held_and_a_new_one_is_added_once()
    {
        var rows = new HeldRows<Guid, RunRecord, RunColumns>(r => r.Id, RunColumns.Of);
        var first = rows.Read(Run());
        first.Status = RunStatus.Completed;
        var again = new RunRecord { Id = first.Id, FlowId = "cart", CustomerId = "c-1", NodeId = "wait", Status = RunStatus.Waiting };
        Assert.Same(first, rows.Read(again));

        var added = Run();
        rows.Add(added);
        var (toInsert, changed) = rows.Unwritten();
        Assert.Same(added, Assert.Single(toInsert));
        Assert.Same(first, Assert.Single(changed));

        rows.Written(changed);
        Assert.Equal((0, 0), (rows.Unwritten().Added.Count, rows.Unwritten().Changed.Count));
        added.StepCount++;
        Assert.Same(added, Assert.Single(rows.Unwritten().Changed));
        Assert.Equal(1, rows.AddedCount);
    }

    // A row type of this test's own, so that no other test's session takes the maps released here.
    private sealed class Row
    {
        public int Id { get; init; }

        public string Value { get; set; } = "";
    }

    private readonly record struct RowState(string Value);

    [Fact]
    public void A_session_that_takes_over_the_maps_another_released_holds_none_of_its_rows()
    {
        var first = new HeldRows<int, Row, RowState>(r => r.Id, r => new RowState(r.Value));
        first.Read(new Row { Id = 1, Value = "stored" }).Value = "changed";
        first.Add(new Row { Id = 2 });
        first.Release();

        var next = new HeldRows<int, Row, RowState>(r => r.Id, r => new RowState(r.Value));
        Assert.Equal(0, next.Count);
        Assert.Null(next.Find(1));
        Assert.Equal((0, 0), (next.Unwritten().Added.Count, next.Unwritten().Changed.Count));
        var fresh = new Row { Id = 1, Value = "stored" };
        Assert.Same(fresh, next.Read(fresh));
        Assert.Empty(next.Unwritten().Changed);
    }

    [Fact]
    public void Released_rows_cannot_be_used_and_a_second_release_hands_nothing_on()
    {
        var first = new HeldRows<int, Row, RowState>(r => r.Id, r => new RowState(r.Value));
        first.Release();
        first.Release();
        Assert.Throws<ObjectDisposedException>(() => first.Find(1));

        var one = new HeldRows<int, Row, RowState>(r => r.Id, r => new RowState(r.Value));
        var other = new HeldRows<int, Row, RowState>(r => r.Id, r => new RowState(r.Value));
        one.Add(new Row { Id = 7 });
        Assert.Equal((1, 0), (one.Count, other.Count));
    }

    private static object Other(Type type, object? value)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(string) => (string?)value + "-changed",
            _ when underlying == typeof(int) => (int)(value ?? 0) + 1,
            _ when underlying == typeof(decimal) => (decimal)(value ?? 0m) + 0.5m,
            _ when underlying == typeof(bool) => !(bool)(value ?? false),
            _ when underlying == typeof(DateTimeOffset) => ((DateTimeOffset?)value ?? DateTimeOffset.UnixEpoch).AddMinutes(1),
            _ when underlying == typeof(Guid) => Guid.CreateVersion7(),
            _ when underlying.IsEnum => Enum.GetValues(underlying).Cast<object>().First(v => !v.Equals(value)),
            _ => throw new InvalidOperationException($"No other value for a {type.Name} column: add one here."),
        };
    }
}
