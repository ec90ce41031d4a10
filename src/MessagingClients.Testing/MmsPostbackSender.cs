using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace MessagingClients.Testing;

/// <summary>
/// Posts MMS postbacks the way the provider does: UTF-8 XML, one at a time over one keep-alive connection; a postback that
/// is not answered with HTTP 200 within <see cref="Timeout"/> is tried again after <see cref="RetryInterval"/> (default 5
/// minutes, on the simulator's <see cref="TimeProvider"/>, so a fake clock drives it), at most <see cref="MaxRetries"/> times.
/// </summary>
public sealed class MmsPostbackSender : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly SimulatedMmsOptions _options;
    private readonly Channel<SimulatedPostback> _ready = Channel.CreateUnbounded<SimulatedPostback>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<SimulatedPostback> _postbacks = new();
    private readonly List<ITimer> _timers = new();
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _worker;
    private TaskCompletionSource _idle = NewIdle(completed: true);
    private int _busy;
    private long _ids;

    internal MmsPostbackSender(SimulatedMmsOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        PostbackUrl = options.PostbackUrl;
        RetryInterval = options.PostbackRetryInterval;
        MaxRetries = options.PostbackMaxRetries;
        Timeout = options.PostbackTimeout;
        SendDeliveryReceipts = options.SendDeliveryReceipts;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionLifetime = System.Threading.Timeout.InfiniteTimeSpan }, disposeHandler: true)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Where postbacks are posted; null: none are made (accepted sends queue nothing).</summary>
    public Uri? PostbackUrl { get; set; }

    /// <summary>Whether accepted sends are followed by a delivery receipt.</summary>
    public bool SendDeliveryReceipts { get; set; }

    /// <summary>The wait before a failed postback is tried again (default 5 minutes).</summary>
    public TimeSpan RetryInterval { get; set; }

    /// <summary>How often a failed postback is tried again (default 5).</summary>
    public int MaxRetries { get; set; }

    /// <summary>How long the receiver has to answer (default 10 s, real time).</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary>
    /// The code of the delivery receipts: <c>N202</c>/<c>N102</c> (delivered, default) or e.g. <c>E202</c>/<c>E102</c>
    /// (delivery failed). Null uses the delivered code of the message type.
    /// </summary>
    public string? DeliveryReceiptCode { get; set; }

    /// <summary>Every postback queued so far, with its attempts (a snapshot).</summary>
    public IReadOnlyList<SimulatedPostback> Postbacks
    {
        get
        {
            lock (_gate)
            {
                return _postbacks.ToArray();
            }
        }
    }

    /// <summary>Every delivery attempt so far, in order (a snapshot).</summary>
    public IReadOnlyList<PostbackAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return _postbacks.SelectMany(p => p.Attempts).OrderBy(a => a.Sequence).ToArray();
            }
        }
    }

    /// <summary>
    /// Completes when no postback is queued or being posted (postbacks waiting for their retry time do not count: advance
    /// the clock to release them).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when idle.</returns>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Queues an inbound SMS (<c>SMS_MO</c>, code <c>N211</c>) from a handset to your number.</summary>
    /// <param name="from">The handset's number.</param>
    /// <param name="to">Your short code or long code.</param>
    /// <param name="text">The message text.</param>
    /// <returns>The queued postback.</returns>
    public SimulatedPostback PostInboundSms(string from, string to, string text)
    {
        var id = Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture);
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><POSTBACK><ORIGIN>SMS_MO</ORIGIN><CODE>N211</CODE><FROM>" + Escape(from)
            + "</FROM><TO>" + Escape(to) + "</TO><TEXT>" + Escape(text) + "</TEXT><RECEIVED>" + Timestamp(_time.GetUtcNow())
            + "</RECEIVED><TRANSACTIONID>MO" + id + "</TRANSACTIONID></POSTBACK>";
        return Post("SMS_MO", xml);
    }

    /// <summary>Queues any postback XML as is.</summary>
    /// <param name="origin">A label for <see cref="SimulatedPostback.Origin"/> (<c>SUB</c>, <c>MMS_MO</c> …).</param>
    /// <param name="xml">The XML body.</param>
    /// <returns>The queued postback.</returns>
    public SimulatedPostback Post(string origin, string xml)
    {
        if (xml is null)
        {
            throw new ArgumentNullException(nameof(xml));
        }

        var postback = new SimulatedPostback(origin ?? "?", xml);
        lock (_gate)
        {
            _postbacks.Add(postback);
        }

        Release(postback);
        return postback;
    }

    /// <summary>Stops the sender; queued postbacks are dropped.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        _ready.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        lock (_gate)
        {
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }

        _http.Dispose();
        _stopping.Dispose();
    }

    internal void OnAccepted(string origin, string to, string? from, string trackingId, string? mmsId, DateTimeOffset at)
    {
        if (!SendDeliveryReceipts || PostbackUrl is null)
        {
            return;
        }

        var isMms = origin == "MMS_MT";
        var code = DeliveryReceiptCode ?? (isMms ? "N102" : "N202");
        var status = code.StartsWith('E') ? "Delivery Failed" : "Message Sent/Delivered";
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><POSTBACK>")
            .Append("<ORIGIN>").Append(origin).Append("</ORIGIN><CODE>").Append(Escape(code)).Append("</CODE><STATUS>").Append(status).Append("</STATUS>")
            .Append("<FROM>").Append(Escape(from ?? "60856")).Append("</FROM><TO>").Append(Escape(to)).Append("</TO>")
            .Append("<TRACKINGID>").Append(Escape(trackingId)).Append("</TRACKINGID><SPID>0</SPID>");
        if (isMms)
        {
            xml.Append("<MMSID>").Append(Escape(mmsId ?? string.Empty)).Append("</MMSID><SENTAS>MMS</SENTAS>");
        }

        xml.Append("<TIMESTAMP>").Append(Timestamp(at)).Append("</TIMESTAMP></POSTBACK>");
        Post(origin, xml.ToString());
    }

    internal void Clear()
    {
        lock (_gate)
        {
            _postbacks.Clear();
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;

    private static string Timestamp(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private void Release(SimulatedPostback postback)
    {
        lock (_gate)
        {
            if (_busy++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        if (!_ready.Writer.TryWrite(postback))
        {
            Done();
        }
    }

    private void Done()
    {
        lock (_gate)
        {
            if (--_busy == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        await foreach (var postback in _ready.Reader.ReadAllAsync(token).ConfigureAwait(false))
        {
            try
            {
                await DeliverAsync(postback, token).ConfigureAwait(false);
            }
            finally
            {
                Done();
            }
        }
    }

    private async Task DeliverAsync(SimulatedPostback postback, CancellationToken stopping)
    {
        var url = PostbackUrl;
        int? status = null;
        string? error = null;
        if (url is null)
        {
            error = "No postback URL is set.";
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(Timeout);
            try
            {
                using var content = new StringContent(postback.Xml, Encoding.UTF8, "text/xml");
                using var response = await _http.PostAsync(url, content, timeout.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                error = "No answer within " + Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s.";
            }
            catch (HttpRequestException ex)
            {
                error = ex.Message;
            }
        }

        var attempt = postback.AddAttempt(Interlocked.Increment(ref _ids), _time.GetUtcNow(), status, error);
        if (attempt.Succeeded)
        {
            return;
        }

        if (postback.Attempts.Count > MaxRetries)
        {
            postback.Abandon();
            return;
        }

        lock (_gate)
        {
            ITimer? timer = null;
            timer = _time.CreateTimer(
                _ =>
                {
                    lock (_gate)
                    {
                        _timers.Remove(timer!);
                    }

                    timer!.Dispose();
                    Release(postback);
                },
                null,
                RetryInterval,
                System.Threading.Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
        }
    }
}

/// <summary>One postback the simulator queued, and how its delivery went.</summary>
public sealed class SimulatedPostback
{
    private readonly object _gate = new();
    private readonly List<PostbackAttempt> _attempts = new();

    internal SimulatedPostback(string origin, string xml)
    {
        Origin = origin;
        Xml = xml;
    }

    /// <summary>The postback's origin: <c>SMS_MT</c>, <c>MMS_MT</c>, <c>SMS_MO</c> ….</summary>
    public string Origin { get; }

    /// <summary>The XML body posted.</summary>
    public string Xml { get; }

    /// <summary>The delivery attempts so far.</summary>
    public IReadOnlyList<PostbackAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return _attempts.ToArray();
            }
        }
    }

    /// <summary>True once an attempt was answered with HTTP 200.</summary>
    public bool IsDelivered => Attempts.Any(a => a.Succeeded);

    /// <summary>True when every attempt (the first and all retries) failed and the provider gave up.</summary>
    public bool IsAbandoned { get; private set; }

    /// <inheritdoc />
    public override string ToString() => $"{Origin} attempts={Attempts.Count} delivered={IsDelivered} abandoned={IsAbandoned}";

    internal PostbackAttempt AddAttempt(long sequence, DateTimeOffset at, int? status, string? error)
    {
        var attempt = new PostbackAttempt(sequence, at, status, error);
        lock (_gate)
        {
            _attempts.Add(attempt);
        }

        return attempt;
    }

    internal void Abandon() => IsAbandoned = true;
}

/// <summary>One attempt to deliver a postback.</summary>
/// <param name="Sequence">The order of attempts across the sender.</param>
/// <param name="At">When it was made, by the simulator's clock.</param>
/// <param name="StatusCode">The receiver's HTTP status, or null when there was no answer.</param>
/// <param name="Error">Why there was no answer (connection refused, timeout), or null.</param>
public sealed record PostbackAttempt(long Sequence, DateTimeOffset At, int? StatusCode, string? Error)
{
    /// <summary>True when the receiver answered HTTP 200.</summary>
    public bool Succeeded => StatusCode == 200;
}
