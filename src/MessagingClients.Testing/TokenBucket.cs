using System;

namespace MessagingClients.Testing;

/// <summary>The provider's token bucket: refills continuously at a rate up to a burst; one request takes one token.</summary>
internal sealed class TokenBucket
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private double _rate;
    private double _capacity;
    private double _tokens;
    private long _last;

    public TokenBucket(TimeProvider time, double rate, int burst)
    {
        _time = time;
        _rate = rate;
        _capacity = burst;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    public double Rate
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    public int Burst
    {
        get
        {
            lock (_gate)
            {
                return (int)_capacity;
            }
        }
    }

    public void Configure(double rate, int burst)
    {
        lock (_gate)
        {
            Refill();
            _rate = rate;
            _capacity = burst;
            _tokens = Math.Min(_tokens, _capacity);
        }
    }

    public void Fill()
    {
        lock (_gate)
        {
            _tokens = _capacity;
            _last = _time.GetTimestamp();
        }
    }

    /// <summary>Takes a token, or says how long until one is free.</summary>
    public bool TryTake(out TimeSpan wait)
    {
        lock (_gate)
        {
            Refill();
            if (_tokens >= 1)
            {
                _tokens -= 1;
                wait = TimeSpan.Zero;
                return true;
            }

            wait = TimeSpan.FromSeconds((1 - _tokens) / _rate);
            return false;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_last, now);
        _last = now;
        if (elapsed > TimeSpan.Zero)
        {
            _tokens = Math.Min(_capacity, _tokens + (elapsed.TotalSeconds * _rate));
        }
    }
}
