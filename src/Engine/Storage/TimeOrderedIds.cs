using System.Buffers.Binary;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// Version 7 GUIDs (RFC 9562) that also keep their order within a millisecond: the 48-bit Unix
/// milliseconds, then a counter (RFC 9562 §6.2, method 1) that starts at a random value in each
/// new millisecond and counts up, then random bits. <see cref="Guid.CreateVersion7(DateTimeOffset)"/>
/// is random within its millisecond, so a batch's hundreds of runs (or events) made at one instant
/// went into their key's index at random places: a tenth of the pages an ingest batch wrote were
/// that index's. In order, they go in at its end. Ids of different milliseconds sort by time;
/// a clock that goes back simply starts again from that time.
/// </summary>
public static class TimeOrderedIds
{
    private static readonly Lock Gate = new();
    private static long lastMilliseconds = -1;
    private static long counter;

    // 42 bits: 12 in the version's field, 30 after the variant; the seed leaves room to count up.
    private const int CounterBits = 42;
    private const long SeedMask = (1L << (CounterBits - 1)) - 1;

    public static Guid Next(DateTimeOffset at)
    {
        var milliseconds = Math.Max(0, at.ToUnixTimeMilliseconds());
        long count;
        lock (Gate)
        {
            if (milliseconds != lastMilliseconds || counter == (1L << CounterBits) - 1)
            {
                lastMilliseconds = milliseconds;
                counter = Random.Shared.NextInt64(SeedMask);
            }
            else
            {
                counter++;
            }

            count = counter;
        }

        // Random.Shared, not the system's CSPRNG: these need to be unique, not secret, and asking
        // OpenSSL for four bytes per id was a percent of an ingest batch.
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(bytes[12..], Random.Shared.Next());
        BinaryPrimitives.WriteUInt64BigEndian(bytes, ((ulong)milliseconds << 16) | 0x7000UL | (ulong)(count >> 30));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], (uint)(count & 0x3FFFFFFF) | 0x80000000U);   // the variant's two bits, 10
        return new Guid(bytes, bigEndian: true);
    }
}
