using System;

namespace MessagingClients.Transport;

/// <summary>A provider's own wait rule, used instead of exponential backoff when the answer had no <c>Retry-After</c> (MaxMD: 30–60 s after 503).</summary>
internal readonly record struct RetryDelayRange(TimeSpan Min, TimeSpan Max)
{
    public TimeSpan Pick(Func<double> random) =>
        Min + TimeSpan.FromTicks((long)((Max - Min).Ticks * random()));
}
