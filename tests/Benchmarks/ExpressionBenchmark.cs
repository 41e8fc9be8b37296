using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using RulesEngine.Models;

namespace ReEngage.Flows.Benchmarks;

/// <summary>
/// Issue #3, P3: one condition expression evaluated through the engine's compiled path
/// (<c>FlowProgram.Test</c>, and <c>CompiledExpression&lt;bool&gt;.Evaluate</c> under it) against a
/// direct RulesEngine call on the same rule (a one-rule workflow, <c>ExecuteAllRulesAsync</c> with
/// rule parameters customer/event/run of the same typed inputs, the engine's parser settings).
/// Target: the engine path at least 0.8× as fast as RulesEngine (Ratio ≤ 1.25). The last row adds
/// what the engine does around a test in a step: building the three inputs from the stored rows.
/// </summary>
[MemoryDiagnoser]
public class ExpressionBenchmark
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private FlowProgram program = null!;
    private CompiledExpression<bool> compiled = null!;
    private RulesEngine.RulesEngine rules = null!;
    private RuleParameter[] parameters = [];
    private ExpressionScope scope;
    private CustomerRecord customerRow = null!;
    private EventRecord eventRow = null!;
    private RunRecord runRow = null!;

    /// <summary>The cart condition of the shipped abandoned-cart flow, and one that reads all three inputs.</summary>
    [Params(
        "customer.CartValue > 0 && !customer.Tags.Contains(\"staff\")",
        "customer.OrderCount == 0 && event.Properties[\"productName\"] != null && event.Properties.Number(\"price\") >= 10 && run.MessagesSent < 2")]
    public string Expression { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var flow = new JsonObject
        {
            ["id"] = "bench-expression",
            ["name"] = "Benchmark: one condition",
            ["nodes"] = new JsonArray(
                new JsonObject { ["id"] = "start", ["type"] = "trigger", ["on"] = "event", ["event"] = "cart.added" },
                new JsonObject { ["id"] = "test", ["type"] = "condition", ["expression"] = Expression },
                new JsonObject { ["id"] = "done", ["type"] = "exit" }),
            ["edges"] = new JsonArray(
                new JsonObject { ["from"] = "start", ["to"] = "test" },
                new JsonObject { ["from"] = "test", ["to"] = "done", ["port"] = "true" },
                new JsonObject { ["from"] = "test", ["to"] = "done", ["port"] = "false" }),
        };
        program = new FlowProgram(FlowJson.Deserialize(flow.ToJsonString()), 1);
        compiled = CompiledExpression.Compile<bool>(Expression);

        customerRow = new CustomerRecord
        {
            Id = "c-1042",
            AttributesJson = """{"firstName":"Ana","country":"VN"}""",
            TagsJson = """["newsletter"]""",
            CartValue = 39.8m,
            LastSeenAt = Now.AddHours(-5),
            FirstSeenAt = Now.AddDays(-40),
        };
        eventRow = new EventRecord
        {
            Key = Guid.CreateVersion7(Now),
            EventId = "e-81",
            Type = "cart.added",
            CustomerId = "c-1042",
            OccurredAt = Now.AddHours(-5),
            PropertiesJson = """{"productId":"p-7","productName":"Mug","price":19.9,"quantity":2}""",
        };
        runRow = new RunRecord { Id = Guid.CreateVersion7(Now), FlowId = "bench-expression", CustomerId = "c-1042", NodeId = "test", EnteredAt = Now.AddHours(-4) };
        scope = BuildScope();

        var settings = new ReSettings
        {
            CustomTypes = [typeof(CustomerInput), typeof(EventInput), typeof(RunInput), typeof(ValueBag), typeof(RfmScore), typeof(ConsentInput)],
            EnableExceptionAsErrorMessage = false,
            EnableExceptionAsErrorMessageForRuleExpressionParsing = true,
            IgnoreException = false,
            AutoRegisterInputType = false,
            IsExpressionCaseSensitive = true,
        };
        var workflow = new Workflow
        {
            WorkflowName = "bench",
            Rules = [new Rule { RuleName = "condition", Expression = Expression, RuleExpressionType = RuleExpressionType.LambdaExpression }],
        };
        rules = new RulesEngine.RulesEngine([workflow], settings);
        parameters =
        [
            new RuleParameter(ExpressionInputs.Customer, scope.Customer),
            new RuleParameter(ExpressionInputs.Event, scope.Event),
            new RuleParameter(ExpressionInputs.Run, scope.Run),
        ];

        // Both paths must agree (and be true, so that no path short-circuits early).
        var expected = program.Test(Expression, scope);
        var fromRules = RulesEngineCall().GetAwaiter().GetResult();
        if (!expected || fromRules != expected)
            throw new InvalidOperationException($"engine {expected}, RulesEngine {fromRules} for {Expression}");
    }

    [Benchmark(Baseline = true, Description = "RulesEngine.ExecuteAllRulesAsync (one-rule workflow)")]
    public async Task<bool> RulesEngineCall()
    {
        var results = await rules.ExecuteAllRulesAsync("bench", parameters);
        return results[0].IsSuccess;
    }

    [Benchmark(Description = "engine: FlowProgram.Test")]
    public bool EngineProgramTest() => program.Test(Expression, scope);

    [Benchmark(Description = "engine: CompiledExpression<bool>.Evaluate")]
    public bool EngineCompiledEvaluate() => compiled.Evaluate(scope);

    [Benchmark(Description = "engine: inputs built from the stored rows, then FlowProgram.Test")]
    public bool EngineFromRows() => program.Test(Expression, BuildScope());

    /// <summary>What the engine builds for each test in a step (EngineSession.Input, ToInput, RunInput).</summary>
    private ExpressionScope BuildScope()
    {
        var customer = CustomerProfile.ToInput(customerRow, Now, NoCounter.Instance, "UTC");
        var @event = new EventInput
        {
            Type = eventRow.Type,
            EventId = eventRow.EventId,
            CustomerId = eventRow.CustomerId,
            OccurredAt = eventRow.OccurredAt,
            Properties = new ValueBag(CustomerProfile.Scalars(JsonNode.Parse(eventRow.PropertiesJson) as JsonObject)),
        };
        var run = new RunInput
        {
            FlowId = runRow.FlowId,
            FlowVersion = runRow.Version,
            EnteredAt = runRow.EnteredAt,
            DaysSinceEntered = (int)Math.Floor((Now - runRow.EnteredAt).TotalDays),
            MessagesSent = runRow.MessagesSent,
            Branch = runRow.Branch,
        };
        return new ExpressionScope(customer, @event, run);
    }

    private sealed class NoCounter : IEventCounter
    {
        public static readonly NoCounter Instance = new();

        public int Count(string type, NodaTime.Period window) => 0;
    }
}
