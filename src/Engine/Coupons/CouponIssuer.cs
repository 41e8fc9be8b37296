using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Coupons;

/// <summary>A code handed to a customer, with its expiry.</summary>
public sealed record IssuedCoupon(string Code, DateTimeOffset? ExpiresAt);

/// <summary>A pool that cannot issue: the step that asked fails with this message.</summary>
public sealed class CouponException(string message) : Exception(message);

/// <summary>
/// Issues codes from pools: a fresh code from a cryptographic random source for unique pools (the
/// unique index on the code makes a duplicate impossible even under concurrent issue), or the
/// pool's one shared code. Every issue is recorded with the flow, node, run and branch behind it.
/// </summary>
public static class CouponIssuer
{
    // No 0/O or 1/I: codes are read aloud and typed by hand.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string Generate(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return string.Create(pattern.Length, pattern, static (span, p) =>
        {
            for (var i = 0; i < p.Length; i++)
                span[i] = p[i] == '#' ? Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)] : p[i];
        });
    }

    public static async Task<IssuedCoupon> IssueAsync(
        FlowDbContext db, CouponPoolDefinition pool, string customerId, DateTimeOffset now,
        RunRecord? run, string? nodeId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(pool);
        var expires = pool.ValidFor is { } validFor && Durations.TryParse(validFor, out var period)
            ? LocalClock.Add(now, period, NodaTime.DateTimeZone.Utc)
            : (DateTimeOffset?)null;

        string code;
        if (pool.Kind == CouponPoolKind.Shared)
        {
            code = pool.Code ?? throw new CouponException($"The shared coupon pool '{pool.Id}' has no code.");
        }
        else
        {
            var pattern = pool.Pattern ?? $"{pool.Id}-########";
            do
            {
                code = Generate(pattern);
            }
            while (db.CouponIssues.Local.Any(c => c.UniqueCode == code)
                   || await db.CouponIssues.AnyAsync(c => c.UniqueCode == code, cancellationToken));
        }

        db.CouponIssues.Add(new CouponIssueRecord
        {
            PoolId = pool.Id,
            Code = code,
            UniqueCode = pool.Kind == CouponPoolKind.Unique ? code : null,
            CustomerId = customerId,
            FlowId = run?.FlowId,
            NodeId = nodeId,
            RunId = run?.Id,
            Branch = run?.Branch,
            IssuedAt = now,
            ExpiresAt = expires,
        });
        return new IssuedCoupon(code, expires);
    }
}
