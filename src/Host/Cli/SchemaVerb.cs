using System.CommandLine;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Host.Cli;

/// <summary><c>schema [--out FILE]</c>: writes the flow JSON Schema generated from the model.</summary>
internal static class SchemaVerb
{
    public static Command Create(TextWriter output)
    {
        var file = new Option<string?>("--out") { Description = "File to write (default: standard output), e.g. workflows/flow.schema.json." };
        var command = new Command("schema", "Write the flow JSON Schema generated from the model.") { file };
        command.SetAction(result =>
        {
            var schema = FlowSchema.Generate();
            if (result.GetValue(file) is { } path)
                File.WriteAllText(path, schema);
            else
                output.Write(schema);
            return 0;
        });
        return command;
    }
}
