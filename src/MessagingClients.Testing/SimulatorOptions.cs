using System;

namespace MessagingClients.Testing;

/// <summary>Settings of a <see cref="ProviderSimulator"/>: one section per provider and the clock.</summary>
public sealed class ProviderSimulatorOptions
{
    /// <summary>The simulated MaxMD Direct REST API.</summary>
    public SimulatedMaxMdOptions MaxMd { get; set; } = new();

    /// <summary>The simulated Maxemail JSON API.</summary>
    public SimulatedMaxemailOptions Maxemail { get; set; } = new();

    /// <summary>The simulated MMS/SMS XML API v1 and its postbacks.</summary>
    public SimulatedMmsOptions Mms { get; set; } = new();

    /// <summary>
    /// The clock of the token buckets and the postback retry timers. Default <see cref="TimeProvider.System"/>: the simulator
    /// is a real server, so its buckets refill in real time; use a fake clock to drive postback retries in tests.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The most of a request body kept in <see cref="RecordedRequest.Body"/>, in characters. Default 64 K.</summary>
    public int MaxRecordedBodyChars { get; set; } = 64 * 1024;
}

/// <summary>Settings every simulated provider has: its token bucket, the delays it announces, and a latency.</summary>
public class SimulatedProviderOptions
{
    /// <summary>Whether the token bucket is enforced. Default true.</summary>
    public bool EnforceRateLimit { get; set; } = true;

    /// <summary>The bucket's refill rate, requests per second. Default 100 (MaxMD's guideline is 80–100 with a burst of 150).</summary>
    public double PermitsPerSecond { get; set; } = 100;

    /// <summary>The bucket's size: how many requests may arrive at once after a quiet period. Default 150.</summary>
    public int Burst { get; set; } = 150;

    /// <summary>
    /// The <c>Retry-After</c> sent with an injected 503 or 429 whose fault names none. Default 1 s, short so that a run with
    /// faults finishes quickly (MaxMD's rule without <c>Retry-After</c> is 30–60 s). Use <see cref="TimeSpan.Zero"/> in tests.
    /// </summary>
    public TimeSpan FaultRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether a 429 from the token bucket carries <c>Retry-After</c> (whole seconds until a permit is free, at least 1). Default true.
    /// </summary>
    public bool SendRetryAfterWhenThrottled { get; set; } = true;

    /// <summary>A delay added to every request before it is handled. Default none.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;
}

/// <summary>Settings of the simulated MaxMD Direct REST API.</summary>
public sealed class SimulatedMaxMdOptions : SimulatedProviderOptions
{
    /// <summary>The account's Direct address the simulator accepts. Default <c>sender@direct.simulator.example</c>.</summary>
    public string Username { get; set; } = "sender@direct.simulator.example";

    /// <summary>The password the simulator accepts. Default <c>simulator-password</c>.</summary>
    public string Password { get; set; } = "simulator-password";
}

/// <summary>Settings of the simulated Maxemail JSON API.</summary>
public sealed class SimulatedMaxemailOptions : SimulatedProviderOptions
{
    /// <summary>The user name the simulator accepts in Basic authentication. Default <c>api@simulator.example</c>.</summary>
    public string Username { get; set; } = "api@simulator.example";

    /// <summary>The password the simulator accepts. Default <c>simulator-password</c>.</summary>
    public string Password { get; set; } = "simulator-password";
}

/// <summary>Settings of the simulated MMS/SMS XML API v1 and its postbacks.</summary>
public sealed class SimulatedMmsOptions : SimulatedProviderOptions
{
    /// <summary>The API key the simulator accepts. Default <c>simulator-api-key</c>.</summary>
    public string ApiKey { get; set; } = "simulator-api-key";

    /// <summary>
    /// Where delivery receipts and inbound messages are posted. Null (default): no postbacks. Can also be set later on
    /// <see cref="MmsPostbackSender.PostbackUrl"/>.
    /// </summary>
    public Uri? PostbackUrl { get; set; }

    /// <summary>Whether an accepted <c>sendSMS</c>/<c>sendMMS</c> is followed by a delivery receipt postback. Default true (needs <see cref="PostbackUrl"/>).</summary>
    public bool SendDeliveryReceipts { get; set; } = true;

    /// <summary>The wait before a failed postback is tried again. Default 5 minutes, as the provider does.</summary>
    public TimeSpan PostbackRetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a failed postback is tried again. Default 5, as the provider does.</summary>
    public int PostbackMaxRetries { get; set; } = 5;

    /// <summary>How long the receiver has to answer a postback with HTTP 200. Default 10 s, as the provider allows.</summary>
    public TimeSpan PostbackTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
