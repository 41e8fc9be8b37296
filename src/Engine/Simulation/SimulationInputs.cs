using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Simulation;

/// <summary>A line of input that could not be used, named by file and line.</summary>
public sealed record InputProblem(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}

/// <summary>A customer record on the wire: <c>{"customerId": "1042", "email": "…", "phone": "…", "attributes": {…}}</c>.</summary>
public sealed record IncomingCustomer
{
    public string? CustomerId { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public JsonObject? Attributes { get; init; }
}

/// <summary>Reads the simulator's JSONL inputs, keeping every good line and naming every bad one.</summary>
public static class SimulationInputs
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static IEnumerable<(int Line, IncomingEvent Event)> ReadEvents(string path, List<InputProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var (line, text) in Lines(path))
        {
            IncomingEvent? parsed = null;
            try
            {
                parsed = JsonSerializer.Deserialize<IncomingEvent>(text, Options);
            }
            catch (JsonException ex)
            {
                problems.Add(new InputProblem(path, line, $"not a valid event: {JsonErrors.SentenceWithPath(ex)}"));
            }

            if (parsed is null)
                continue;
            if (parsed.Problem() is { } problem)
            {
                problems.Add(new InputProblem(path, line, problem));
                continue;
            }

            yield return (line, parsed);
        }
    }

    public static IEnumerable<IncomingCustomer> ReadCustomers(string path, List<InputProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var (line, text) in Lines(path))
        {
            IncomingCustomer? parsed = null;
            try
            {
                parsed = JsonSerializer.Deserialize<IncomingCustomer>(text, Options);
            }
            catch (JsonException ex)
            {
                problems.Add(new InputProblem(path, line, $"not a valid customer: {JsonErrors.SentenceWithPath(ex)}"));
            }

            if (parsed is null)
                continue;
            if (string.IsNullOrWhiteSpace(parsed.CustomerId))
            {
                problems.Add(new InputProblem(path, line, "'customerId' is required."));
                continue;
            }

            yield return parsed;
        }
    }

    private static IEnumerable<(int Line, string Text)> Lines(string path)
    {
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(text))
                yield return (number, text);
        }
    }
}
