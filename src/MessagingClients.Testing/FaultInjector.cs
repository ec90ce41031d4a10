using System;
using System.Collections.Generic;
using System.Linq;

namespace MessagingClients.Testing;

/// <summary>
/// The faults one simulated provider injects: a script (the next N requests get a given fault, in order) and, after the
/// script, random faults at a rate drawn from a seeded generator. Thread-safe.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly Queue<SimulatedFault> _script = new();
    private Random? _random;
    private double _rate;
    private SimulatedFault[] _randomFaults = Array.Empty<SimulatedFault>();
    private int _injected;

    internal FaultInjector()
    {
    }

    /// <summary>How many faults were injected so far (scripted and random).</summary>
    public int InjectedCount
    {
        get
        {
            lock (_gate)
            {
                return _injected;
            }
        }
    }

    /// <summary>How many scripted faults are still waiting for a request.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _script.Count;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests of this provider get <paramref name="fault"/> (after faults already scripted).</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="count">How many requests get it; at least 1.</param>
    /// <returns>This injector, to script more.</returns>
    public FaultInjector Next(SimulatedFault fault, int count = 1)
    {
        if (fault is null)
        {
            throw new ArgumentNullException(nameof(fault));
        }

        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The count must be at least 1.");
        }

        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _script.Enqueue(fault);
            }
        }

        return this;
    }

    /// <summary>
    /// Injects a fault into each request (not taken by the script) with probability <paramref name="rate"/>, picking one of
    /// <paramref name="faults"/> uniformly; the generator is seeded, so a run's sequence of draws repeats.
    /// </summary>
    /// <param name="rate">The share of requests that get a fault, 0 to 1; 0 turns random faults off.</param>
    /// <param name="seed">The seed of the generator.</param>
    /// <param name="faults">The faults to pick from; when empty: 503, 500, a 502 HTML page and a reset before processing.</param>
    /// <returns>This injector.</returns>
    public FaultInjector Random(double rate, int seed, params SimulatedFault[] faults)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The rate must be between 0 and 1.");
        }

        if (faults is null || faults.Length == 0)
        {
            faults = new[] { SimulatedFault.ServiceUnavailable(), SimulatedFault.InternalServerError(), SimulatedFault.BadGatewayHtml(), SimulatedFault.ConnectionReset() };
        }
        else if (faults.Any(f => f is null))
        {
            throw new ArgumentException("A fault is null.", nameof(faults));
        }

        lock (_gate)
        {
            _rate = rate;
            _random = new Random(seed);
            _randomFaults = faults.ToArray();
        }

        return this;
    }

    /// <summary>Removes the script and turns random faults off.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _script.Clear();
            _rate = 0;
            _random = null;
        }
    }

    /// <summary>The fault for the request that just arrived, or null.</summary>
    internal SimulatedFault? Take()
    {
        lock (_gate)
        {
            if (_script.Count > 0)
            {
                _injected++;
                return _script.Dequeue();
            }

            if (_random is null || _rate <= 0)
            {
                return null;
            }

            var draw = _random.NextDouble();
            var pick = _random.Next(_randomFaults.Length);
            if (draw >= _rate)
            {
                return null;
            }

            _injected++;
            return _randomFaults[pick];
        }
    }
}
