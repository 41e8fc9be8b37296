using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ReEngage.Flows.Host.Tests.Cli;

/// <summary>The <c>validate</c> verb as developers run it: files and folders in, lines and an exit code out.</summary>
public sealed class ValidateVerbTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("reengage-validate-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string Workflows => Path.Combine(Simulation.SharedData.RepoRoot, "workflows");

    private static async Task<(int Exit, string[] Lines)> Validate(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Host.Cli.CliApp.RunAsync(["validate", .. args], output, error);
        var lines = (output + error.ToString()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (exit, lines);
    }

    /// <summary>Copies the shipped abandoned-cart flow (with its settings) and bends it one way.</summary>
    private string Broken(string name, Action<JsonObject> change)
    {
        var flow = JsonNode.Parse(File.ReadAllText(Path.Combine(Workflows, "abandoned-cart.flow.json")))!.AsObject();
        change(flow);
        var path = Path.Combine(folder, $"{name}.flow.json");
        File.WriteAllText(path, flow.ToJsonString());
        File.Copy(Path.Combine(Workflows, "settings.json"), Path.Combine(folder, "settings.json"), overwrite: true);
        return path;
    }

    private static JsonArray Nodes(JsonObject flow) => flow["nodes"]!.AsArray();

    private static JsonObject NodeOf(JsonObject flow, Func<JsonObject, bool> match) =>
        Nodes(flow).Select(n => n!.AsObject()).First(match);

    private static JsonObject Send(JsonObject flow) => NodeOf(flow, n => (string?)n["do"] == "send" && (string?)n["channel"] == "chat");

    [Fact]
    public async Task The_shipped_workflows_folder_validates()
    {
        var (exit, lines) = await Validate(Workflows);

        Assert.Equal(0, exit);
        Assert.True(lines.Length >= 12);
        Assert.All(lines, line => Assert.EndsWith(": ok", line));
    }

    public static TheoryData<string> Defects() =>
    [
        "edge to a missing node", "bad port", "duplicate id", "41-character chat title", "template that does not parse",
        "bad expression", "forbidden expression", "bad duration", "unreachable node", "cycle without delay", "missing branch",
    ];

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task A_flow_with_one_defect_fails_with_a_line_naming_the_node(string defect)
    {
        string node = "";
        var path = Broken(defect.Replace(' ', '-'), flow =>
        {
            var edges = flow["edges"]!.AsArray();
            var send = Send(flow);
            node = (string)send["id"]!;
            switch (defect)
            {
                case "edge to a missing node":
                    edges.Add(new JsonObject { ["from"] = node, ["to"] = "nowhere" });
                    edges.Remove(edges.First(e => (string?)e!["from"] == node));
                    break;
                case "bad port":
                    var condition = NodeOf(flow, n => (string?)n["type"] == "condition");
                    node = (string)condition["id"]!;
                    edges.First(e => (string?)e!["from"] == node)!["port"] = "maybe";
                    break;
                case "duplicate id":
                    Nodes(flow).Add(new JsonObject { ["id"] = node, ["type"] = "exit" });
                    break;
                case "41-character chat title":
                    send["title"] = new string('a', 41);
                    break;
                case "template that does not parse":
                    send["body"] = "Hi {{ customer.firstName ";
                    break;
                case "bad expression":
                    var check = NodeOf(flow, n => (string?)n["type"] == "condition");
                    node = (string)check["id"]!;
                    check["expression"] = "customer.CartTotal > 0";
                    break;
                case "forbidden expression":
                    var guard = NodeOf(flow, n => (string?)n["type"] == "condition");
                    node = (string)guard["id"]!;
                    guard["expression"] = "System.Environment.Exit(1) == null";
                    break;
                case "bad duration":
                    var delay = NodeOf(flow, n => (string?)n["type"] == "delay");
                    node = (string)delay["id"]!;
                    delay["for"] = "four hours";
                    break;
                case "unreachable node":
                    node = "lonely";
                    Nodes(flow).Add(new JsonObject { ["id"] = node, ["type"] = "action", ["do"] = "tag", ["tag"] = "x" });
                    break;
                case "cycle without delay":
                    var edge = edges.First(e => (string?)e!["from"] == node)!;
                    edge["to"] = (string)NodeOf(flow, n => (string?)n["type"] == "condition")["id"]!;
                    break;
                case "missing branch":
                    var cond = NodeOf(flow, n => (string?)n["type"] == "condition");
                    node = (string)cond["id"]!;
                    edges.Remove(edges.First(e => (string?)e!["from"] == node && (string?)e["port"] == "false"));
                    break;
            }
        });

        var (exit, lines) = await Validate(path);

        Assert.Equal(1, exit);
        if (defect == "cycle without delay")
            Assert.Contains(lines, l => l.Contains(": graph.cycle-without-delay: ", StringComparison.Ordinal) && l.Contains(node, StringComparison.Ordinal));
        else
            Assert.Contains(lines, l => l.StartsWith($"{path}: {node}: ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.EndsWith(": ok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_json_fails_with_its_line_and_column()
    {
        var path = Path.Combine(folder, "broken.flow.json");
        File.WriteAllText(path, "{\n  \"id\": \"x\",\n  \"nodes\": [,]\n}\n");

        var (exit, lines) = await Validate(path);

        Assert.Equal(1, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith($"{path}: line 3, column 13: json.malformed: ", line);
    }

    [Fact]
    public async Task A_folder_mixing_good_and_bad_flows_reports_each_file()
    {
        var good = Broken("good", _ => { });
        var bad = Broken("bad", flow => { flow["id"] = "bad"; Send(flow)["channel"] = "fax"; });

        var (exit, lines) = await Validate(folder);

        Assert.Equal(1, exit);
        Assert.Contains($"{good}: ok", lines);
        Assert.Contains(lines, l => l.StartsWith($"{bad}: ", StringComparison.Ordinal) && l.Contains("json.invalid-value") && l.Contains("fax"));
    }

    [Fact]
    public async Task Two_files_with_the_same_flow_id_are_a_problem()
    {
        Broken("one", _ => { });
        var second = Broken("two", _ => { });

        var (exit, lines) = await Validate(folder);

        Assert.Equal(1, exit);
        Assert.Contains(lines, l => l.StartsWith($"{second}: $.id: flow.duplicate-id: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_path_is_reported()
    {
        var (exit, lines) = await Validate(Path.Combine(folder, "nope.flow.json"));

        Assert.Equal(1, exit);
        Assert.Contains("not found", Assert.Single(lines));
    }

    [Fact]
    public async Task An_unknown_coupon_pool_is_reported_against_the_settings_beside_the_flow()
    {
        var path = Broken("pool", flow => Send(flow)["coupon"] = new JsonObject { ["pool"] = "NOT-A-POOL" });

        var (exit, lines) = await Validate(path);

        Assert.Equal(1, exit);
        Assert.Contains(lines, l => l.Contains("coupon.unknown-pool") && l.Contains("NOT-A-POOL"));
    }

    [Fact]
    public async Task The_host_binary_runs_the_verb_and_sets_its_exit_code()
    {
        var bad = Broken("process", flow => Send(flow)["title"] = new string('b', 41));
        var host = Path.Combine(AppContext.BaseDirectory, "ReEngage.Flows.Host.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", host, "validate", Workflows, bad])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("title.too-long", stdout);
        Assert.Contains($"{Path.Combine(Workflows, "abandoned-cart.flow.json")}: ok", stdout);
    }
}
