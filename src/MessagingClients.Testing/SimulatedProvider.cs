using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace MessagingClients.Testing;

/// <summary>
/// What every simulated provider has: its endpoint, token bucket, fault injector, the requests it received and the sends it
/// accepted (with duplicate detection by idempotency key). Thread-safe.
/// </summary>
public abstract class SimulatedProvider
{
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = new();
    private readonly List<AcceptedSend> _accepted = new();
    private readonly HashSet<string> _acceptedKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _rejected = new(StringComparer.OrdinalIgnoreCase);
    private readonly TokenBucket _bucket;
    private readonly SimulatedProviderOptions _options;
    private int _duplicates;

    internal SimulatedProvider(ProviderSimulator simulator, string name, string pathPrefix, SimulatedProviderOptions options)
    {
        Simulator = simulator;
        Name = name;
        PathPrefix = pathPrefix;
        _options = options;
        EnforceRateLimit = options.EnforceRateLimit;
        _bucket = new TokenBucket(simulator.TimeProvider, options.PermitsPerSecond, options.Burst);
    }

    /// <summary>The provider's name: <c>maxmd</c>, <c>maxemail</c> or <c>mms</c>.</summary>
    public string Name { get; }

    /// <summary>The URL to configure the client's <c>Endpoint</c> with.</summary>
    public abstract Uri Endpoint { get; }

    /// <summary>The faults this provider injects: scripted (<see cref="FaultInjector.Next"/>) and random (<see cref="FaultInjector.Random"/>).</summary>
    public FaultInjector Faults { get; } = new();

    /// <summary>Whether the token bucket is enforced; when false every request gets through.</summary>
    public bool EnforceRateLimit { get; set; }

    /// <summary>The bucket's refill rate in requests per second.</summary>
    public double PermitsPerSecond => _bucket.Rate;

    /// <summary>The bucket's size.</summary>
    public int Burst => _bucket.Burst;

    /// <summary>Every request received so far, in order of arrival (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Every send accepted so far, duplicates included (a snapshot).</summary>
    public IReadOnlyList<AcceptedSend> AcceptedSends
    {
        get
        {
            lock (_gate)
            {
                return _accepted.ToArray();
            }
        }
    }

    /// <summary>How many accepted sends repeated an idempotency key already accepted: messages delivered twice. Should be 0.</summary>
    public int DuplicateCount => Volatile.Read(ref _duplicates);

    /// <summary>How many requests were answered with the provider's throttling answer (by the bucket or an injected fault).</summary>
    public int ThrottledCount => Count(SimulatedOutcome.Throttled);

    /// <summary>How many requests were received.</summary>
    public int RequestCount
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    internal ProviderSimulator Simulator { get; }

    internal string PathPrefix { get; }

    internal SimulatedProviderOptions Options => _options;

    /// <summary>How many requests had the given outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The count.</returns>
    public int Count(SimulatedOutcome outcome)
    {
        lock (_gate)
        {
            return _requests.Count(r => r.Outcome == outcome);
        }
    }

    /// <summary>Changes the token bucket (and refills it).</summary>
    /// <param name="permitsPerSecond">The refill rate; positive.</param>
    /// <param name="burst">The bucket size; at least 1.</param>
    public void SetRateLimit(double permitsPerSecond, int burst)
    {
        if (!(permitsPerSecond > 0) || double.IsInfinity(permitsPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(permitsPerSecond), permitsPerSecond, "The rate must be a positive number.");
        }

        if (burst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(burst), burst, "The burst must be at least 1.");
        }

        _bucket.Configure(permitsPerSecond, burst);
        _bucket.Fill();
    }

    /// <summary>Makes the provider refuse sends to <paramref name="recipient"/> (MaxMD code 2, Maxemail 400, MMS <c>E110</c>).</summary>
    /// <param name="recipient">An address or a number (international format for MMS).</param>
    public void RejectRecipient(string recipient)
    {
        if (string.IsNullOrWhiteSpace(recipient))
        {
            throw new ArgumentException("A recipient is required.", nameof(recipient));
        }

        _rejected[recipient.Trim()] = 0;
    }

    /// <summary>Forgets requests, accepted sends, faults and rejected recipients, and refills the bucket.</summary>
    public virtual void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _accepted.Clear();
            _acceptedKeys.Clear();
            Volatile.Write(ref _duplicates, 0);
        }

        _rejected.Clear();
        Faults.Clear();
        _bucket.Fill();
    }

    internal bool IsRejected(string recipient) => _rejected.ContainsKey(recipient.Trim());

    /// <summary>Handles the request for the operation under the provider's prefix; the answer in the provider's shape.</summary>
    internal abstract Task<SimulatedResponse> ProcessAsync(SimulatedRequest request);

    /// <summary>The answer of an injected fault (not a delay or a reset).</summary>
    internal abstract SimulatedResponse FaultResponse(SimulatedFault fault, TimeSpan retryAfter);

    /// <summary>The answer when the token bucket is empty.</summary>
    internal abstract SimulatedResponse ThrottledResponse(TimeSpan? retryAfter);

    /// <summary>The provider's own error for a request it could not handle.</summary>
    internal abstract SimulatedResponse ErrorResponse(string message);

    /// <summary>The body with its credentials replaced by <c>***</c>.</summary>
    internal abstract string RedactBody(string body, string? contentType);

    /// <summary>Records an accepted send, detecting a repeated idempotency key.</summary>
    internal AcceptedSend Accept(SimulatedRequest request, string operation, string messageId, IReadOnlyList<string> recipients)
    {
        var key = request.Record.IdempotencyKey;
        AcceptedSend send;
        lock (_gate)
        {
            var duplicate = key is not null && !_acceptedKeys.Add(key);
            send = new AcceptedSend(Name, operation, key, request.BodyHash, messageId, recipients, Simulator.TimeProvider.GetUtcNow(), duplicate);
            _accepted.Add(send);
            if (duplicate)
            {
                Interlocked.Increment(ref _duplicates);
            }
        }

        Simulator.OnAccepted(this, send, request);
        return send;
    }

    internal async Task HandleAsync(HttpContext context, string path, long sequence)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in context.Request.Headers)
        {
            headers[header.Key] = string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase) ? "***" : header.Value.ToString();
        }

        var record = new RecordedRequest(Name, sequence, Simulator.TimeProvider.GetUtcNow(), context.Request.Method, path + context.Request.QueryString.Value, headers);
        lock (_gate)
        {
            _requests.Add(record);
        }

        SimulatedResponse? response = null;
        var abortAfter = false;
        try
        {
            var aborted = context.RequestAborted;
            byte[] body;
            using (var buffer = new MemoryStream())
            {
                await context.Request.Body.CopyToAsync(buffer, aborted).ConfigureAwait(false);
                body = buffer.ToArray();
            }

            context.Request.Body = new MemoryStream(body, writable: false);
            record.BodyLength = body.Length;
            var text = Encoding.UTF8.GetString(body);
            var max = Simulator.Options.MaxRecordedBodyChars;
            record.Body = RedactBody(text.Length > max ? text.Substring(0, max) : text, context.Request.ContentType);
            if (context.Request.Headers.TryGetValue("Idempotency-Key", out var key) && key.Count > 0)
            {
                record.IdempotencyKey = key.ToString();
            }

            var request = new SimulatedRequest(context, path, body, record);
            if (_options.Latency > TimeSpan.Zero)
            {
                await Task.Delay(_options.Latency, aborted).ConfigureAwait(false);
            }

            var fault = Faults.Take();
            if (fault is not null)
            {
                record.Fault = fault;
                switch (fault.Kind)
                {
                    case SimulatedFaultKind.ConnectionReset when !fault.AfterProcessing:
                        record.Outcome = SimulatedOutcome.Fault;
                        context.Abort();
                        return;
                    case SimulatedFaultKind.ConnectionReset:
                        abortAfter = true;
                        break;
                    case SimulatedFaultKind.Delay:
                        try
                        {
                            await Task.Delay(fault.Duration, aborted).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            record.Outcome = SimulatedOutcome.Aborted;
                            return;
                        }

                        break;
                    default:
                        response = FaultResponse(fault, fault.RetryAfter ?? _options.FaultRetryAfter);
                        break;
                }
            }

            if (response is null && EnforceRateLimit && !_bucket.TryTake(out var wait))
            {
                response = ThrottledResponse(_options.SendRetryAfterWhenThrottled ? wait : null);
            }

            if (response is null)
            {
                try
                {
                    response = await ProcessAsync(request).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    response = ErrorResponse("The request could not be processed: " + ex.Message);
                }
            }

            record.StatusCode = abortAfter ? 0 : response.Status;
            record.ProviderCode = response.ProviderCode;
            record.Outcome = response.Outcome;
            if (abortAfter)
            {
                context.Abort();
                return;
            }

            await response.WriteAsync(context.Response, aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            if (record.Outcome == SimulatedOutcome.Pending)
            {
                record.Outcome = SimulatedOutcome.Aborted;
            }
        }
    }

    /// <summary>Retry-After as whole seconds (rounded up; 0 stays 0).</summary>
    internal static string RetryAfterSeconds(TimeSpan delay) =>
        ((long)Math.Ceiling(Math.Max(0, delay.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    internal static string Sha256(byte[] body)
    {
#if NET8_0_OR_GREATER
        return Convert.ToHexString(SHA256.HashData(body));
#else
        using var sha = SHA256.Create();
        return BitConverter.ToString(sha.ComputeHash(body)).Replace("-", string.Empty);
#endif
    }
}

/// <summary>One request as a simulated provider handles it.</summary>
internal sealed class SimulatedRequest
{
    private string? _hash;

    public SimulatedRequest(HttpContext context, string path, byte[] body, RecordedRequest record)
    {
        Context = context;
        Path = path;
        Body = body;
        Record = record;
    }

    public HttpContext Context { get; }

    /// <summary>The path below the provider's prefix, without a leading slash.</summary>
    public string Path { get; }

    public byte[] Body { get; }

    public RecordedRequest Record { get; }

    public string Method => Context.Request.Method;

    public string? MediaType
    {
        get
        {
            var type = Context.Request.ContentType;
            if (type is null)
            {
                return null;
            }

            var semicolon = type.IndexOf(';', StringComparison.Ordinal);
            return (semicolon >= 0 ? type.Substring(0, semicolon) : type).Trim();
        }
    }

    public string BodyHash => _hash ??= SimulatedProvider.Sha256(Body);
}
