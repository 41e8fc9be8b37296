using System.CommandLine;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Host.Cli;

/// <summary>
/// <c>engine-worker --data-dir DIR</c>: runs the engine tick and the dispatcher over a data folder
/// until nothing is due, then exits — for operations (draining a store) and for the crash tests,
/// which kill it mid-batch. With <c>--delivery-log FILE</c> each delivery's idempotency key is
/// appended to that file, standing in for a gateway.
/// </summary>
internal static class WorkerVerb
{
    public static Command Create(TextWriter output)
    {
        var dataDir = new Option<string>("--data-dir") { Description = "The data folder (reengage.db inside).", Required = true };
        var batch = new Option<int>("--batch") { Description = "Runs per transaction.", DefaultValueFactory = _ => 500 };
        var log = new Option<string?>("--delivery-log") { Description = "Append each delivery's idempotency key to this file." };
        var command = new Command("engine-worker", "Run the engine tick and dispatcher over a data folder until nothing is due.") { dataDir, batch, log };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(dataDir)!, result.GetValue(batch), result.GetValue(log), output, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string dataDir, int batch, string? deliveryLog, TextWriter output, CancellationToken cancellationToken)
    {
        var databases = await FlowDbContextFactory.SqliteAsync(Path.Combine(dataDir, "reengage.db"), cancellationToken);
        var parts = new EngineParts(databases, TimeProvider.System, deliveryLog is null ? null : [new FileLogChannel(deliveryLog)]);
        while (!cancellationToken.IsCancellationRequested)
        {
            var moved = await parts.Engine.TickAsync(batch, cancellationToken);
            var sent = await parts.Dispatcher.DispatchAsync(batch, cancellationToken);
            await output.WriteLineAsync($"advanced {moved} runs, dispatched {sent} messages");
            await output.FlushAsync(cancellationToken);
            if (moved == 0 && sent == 0)
                return 0;
        }

        return 1;
    }

    /// <summary>A stand-in gateway: records each delivery's idempotency key, one line per call.</summary>
    private sealed class FileLogChannel(string path) : IChannelAdapter
    {
        public bool CanDeliver(MessageRecord message) => true;

        public async Task<DeliveryResult> DeliverAsync(Delivery delivery, CancellationToken cancellationToken)
        {
            await File.AppendAllTextAsync(path, delivery.IdempotencyKey + "\n", cancellationToken);
            return new DeliveryResult(DeliveryOutcome.Delivered);
        }
    }
}
