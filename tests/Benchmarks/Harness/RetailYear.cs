using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>
/// The UCI online-retail year (2010-12-01 … 2011-12-09) as engine events, read in place from the
/// shared data folder: one event per invoice — <c>order.placed</c>, or <c>order.cancelled</c> for a
/// "C" invoice — with customerId = CustomerID without ".0", orderId = InvoiceNo, total = Σ
/// Quantity × UnitPrice and occurredAt = InvoiceDate taken as UTC; rows without a CustomerID are skipped.
/// </summary>
internal static class RetailYear
{
    public const string DefaultPath = "/work/shared/data/uci-online-retail/online_retail.csv.gz";

    public static IReadOnlyList<IncomingEvent> Read(string path)
    {
        var invoices = new Dictionary<string, Invoice>(StringComparer.Ordinal);
        var order = new List<Invoice>();
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var header = Split(reader.ReadLine() ?? "");
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path}: no column {name}");
        var (invoiceNo, quantity, invoiceDate, unitPrice, customerId) =
            (Column("InvoiceNo"), Column("Quantity"), Column("InvoiceDate"), Column("UnitPrice"), Column("CustomerID"));

        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
                continue;
            var cells = Split(line);
            var customer = cells[customerId].Trim();
            if (customer.Length == 0)
                continue;
            if (customer.EndsWith(".0", StringComparison.Ordinal))
                customer = customer[..^2];

            var number = cells[invoiceNo].Trim();
            if (!invoices.TryGetValue(number, out var invoice))
            {
                var at = DateTime.ParseExact(cells[invoiceDate].Trim(), ["yyyy-MM-dd HH:mm:ss", "M/d/yyyy H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                invoices[number] = invoice = new Invoice(number, customer, new DateTimeOffset(at, TimeSpan.Zero));
                order.Add(invoice);
            }

            invoice.Total += decimal.Parse(cells[quantity], NumberStyles.Number, CultureInfo.InvariantCulture)
                             * decimal.Parse(cells[unitPrice], NumberStyles.Number, CultureInfo.InvariantCulture);
        }

        return order.Select(i => new IncomingEvent
        {
            EventId = $"inv-{i.Number}",
            Type = i.Number.StartsWith('C') ? "order.cancelled" : "order.placed",
            CustomerId = i.CustomerId,
            OccurredAt = i.At,
            Properties = new JsonObject { ["orderId"] = i.Number, ["total"] = decimal.Round(i.Total, 2) },
        }).ToList();
    }

    /// <summary>One CSV line into cells; quoted cells may hold commas and doubled quotes.</summary>
    private static string[] Split(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    cell.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
                cell.Append(c);
        }

        cells.Add(cell.ToString());
        return [.. cells];
    }

    private sealed class Invoice(string number, string customerId, DateTimeOffset at)
    {
        public string Number { get; } = number;

        public string CustomerId { get; } = customerId;

        public DateTimeOffset At { get; } = at;

        public decimal Total { get; set; }
    }
}
