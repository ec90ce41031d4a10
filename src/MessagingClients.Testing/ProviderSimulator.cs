using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Testing;

/// <summary>
/// A local stand-in for the three providers: a real Kestrel server on <c>127.0.0.1</c> with an ephemeral port that speaks
/// the MaxMD Direct, Maxemail and MMS/SMS XML API v1 wire formats, checks credentials like the providers do, enforces a
/// token bucket per provider, injects faults, records every request (credentials redacted) and every accepted send (so a
/// test can assert that nothing was delivered twice), and posts MMS delivery receipts.
/// <code>
/// await using var simulator = await ProviderSimulator.StartAsync();
/// using var client = new MaxMdClient(simulator.MaxMd.CreateClientOptions());
/// simulator.MaxMd.Faults.Next(SimulatedFault.ServiceUnavailable(TimeSpan.Zero));
/// await client.SendMessageAsync(DirectMessage.Text("care@direct.example.org", "Hi", "Hello"));
/// Assert.Equal(0, simulator.MaxMd.DuplicateCount);
/// </code>
/// </summary>
public sealed class ProviderSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _sequence;
    private int _disposed;

    private ProviderSimulator(WebApplication app, ProviderSimulatorOptions options)
    {
        _app = app;
        Options = options;
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
        MaxMd = new SimulatedMaxMd(this, options.MaxMd ?? new SimulatedMaxMdOptions());
        Maxemail = new SimulatedMaxemail(this, options.Maxemail ?? new SimulatedMaxemailOptions());
        Mms = new SimulatedMms(this, options.Mms ?? new SimulatedMmsOptions());
    }

    /// <summary>Raised (on the request's thread) each time a provider accepts a send.</summary>
    public event EventHandler<AcceptedSend>? SendAccepted;

    /// <summary>The server's address, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The simulated MaxMD Direct REST API (endpoint <c>{BaseAddress}maxmd/message-rest/api/message/</c>).</summary>
    public SimulatedMaxMd MaxMd { get; }

    /// <summary>The simulated Maxemail JSON API (endpoint <c>{BaseAddress}maxemail/</c>).</summary>
    public SimulatedMaxemail Maxemail { get; }

    /// <summary>The simulated MMS/SMS XML API v1 (endpoint <c>{BaseAddress}mms/API/wxml/1.3/index.php</c>).</summary>
    public SimulatedMms Mms { get; }

    /// <summary>The three simulated providers.</summary>
    public IReadOnlyList<SimulatedProvider> Providers => new SimulatedProvider[] { MaxMd, Maxemail, Mms };

    /// <summary>The clock of the token buckets and postback retries.</summary>
    public TimeProvider TimeProvider { get; }

    internal ProviderSimulatorOptions Options { get; }

    /// <summary>Starts a simulator on <c>127.0.0.1</c> with an ephemeral port.</summary>
    /// <param name="options">The settings; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running simulator; dispose it to stop it.</returns>
    public static async Task<ProviderSimulator> StartAsync(ProviderSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ProviderSimulatorOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
            kestrel.Listen(System.Net.IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var simulator = new ProviderSimulator(app, options);
        app.Run(simulator.DispatchAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        simulator.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return simulator;
    }

    /// <summary>
    /// Configuration keys that point the SDK at this simulator, for <c>AddInMemoryCollection</c>: endpoint and credentials of
    /// each provider under <paramref name="sectionPath"/> (<c>Messaging:MaxMd:Endpoint</c> …).
    /// </summary>
    /// <param name="sectionPath">The messaging section's path. Default <c>Messaging</c>.</param>
    /// <returns>The keys and values.</returns>
    public IReadOnlyDictionary<string, string?> ToConfiguration(string sectionPath = "Messaging") => new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        [sectionPath + ":MaxMd:Endpoint"] = MaxMd.Endpoint.AbsoluteUri,
        [sectionPath + ":MaxMd:Username"] = MaxMd.Username,
        [sectionPath + ":MaxMd:Password"] = MaxMd.Password,
        [sectionPath + ":Maxemail:Endpoint"] = Maxemail.Endpoint.AbsoluteUri,
        [sectionPath + ":Maxemail:Username"] = Maxemail.Username,
        [sectionPath + ":Maxemail:Password"] = Maxemail.Password,
        [sectionPath + ":Maxemail:DefaultFrom"] = "Simulator <sender@simulator.example>",
        [sectionPath + ":Mms:Endpoint"] = Mms.Endpoint.AbsoluteUri,
        [sectionPath + ":Mms:ApiKey"] = Mms.ApiKey,
        [sectionPath + ":Mms:DefaultFrom"] = "60856",
    };

    /// <summary>Forgets every provider's requests, accepted sends, faults and postbacks, and refills the buckets.</summary>
    public void Reset()
    {
        foreach (var provider in Providers)
        {
            provider.Reset();
        }
    }

    /// <summary>Stops the server and the postback sender.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Mms.Postbacks.DisposeAsync().ConfigureAwait(false);
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => "ProviderSimulator " + BaseAddress;

    internal void OnAccepted(SimulatedProvider provider, AcceptedSend send, SimulatedRequest request) => SendAccepted?.Invoke(provider, send);

    private async Task DispatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var sequence = Interlocked.Increment(ref _sequence);
        foreach (var provider in Providers)
        {
            var prefix = "/" + provider.PathPrefix;
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                await provider.HandleAsync(context, path.Substring(prefix.Length), sequence).ConfigureAwait(false);
                return;
            }
        }

        context.Response.StatusCode = 404;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(
            "No simulated provider at " + path + ". Endpoints: " + MaxMd.Endpoint + ", " + Maxemail.Endpoint + ", " + Mms.Endpoint,
            context.RequestAborted).ConfigureAwait(false);
    }
}
