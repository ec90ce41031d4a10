using System;
using System.Threading;

namespace MessagingClients.Internal;

/// <summary>A per-thread <see cref="Random"/> for jitter (netstandard2.0 has no <c>Random.Shared</c>).</summary>
internal static class ThreadSafeRandom
{
    private static int _seed = Environment.TickCount;
    private static readonly ThreadLocal<Random> Local = new(() => new Random(Interlocked.Increment(ref _seed)));

    public static double NextDouble() => Local.Value!.NextDouble();
}
