using System.Collections.Concurrent;
using System.Net;

namespace MessagingClients.Tests.Infrastructure;

/// <summary>
/// An in-process <see cref="HttpMessageHandler"/> that answers from a script and records each request's bytes and the fake time it
/// arrived at. Used for transport tests, which need no wire format; provider tests use WireMock.Net over real HTTP.
/// </summary>
public sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly TimeProvider _time;

    public ScriptedHandler(TimeProvider time) => _time = time;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers once we run out of script.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage> Fallback { get; set; } = _ => Respond(HttpStatusCode.OK, "ok");

    public ScriptedHandler Then(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        _script.Enqueue((request, _) => Task.FromResult(answer(request)));
        return this;
    }

    public ScriptedHandler Then(HttpStatusCode status, string body = "", Action<HttpResponseMessage>? configure = null) =>
        Then(_ =>
        {
            var response = Respond(status, body);
            configure?.Invoke(response);
            return response;
        });

    public ScriptedHandler ThenAsync(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        _script.Enqueue(answer);
        return this;
    }

    /// <summary>An attempt that never answers until it is cancelled (by an attempt timeout).</summary>
    public ScriptedHandler ThenHang() => ThenAsync(async (_, token) =>
    {
        (_time as DrivenTimeProvider)?.NotifyIdle();
        await Task.Delay(Timeout.Infinite, token);
        throw new InvalidOperationException("unreachable");
    });

    public ScriptedHandler ThenThrow(Exception exception) => ThenAsync((_, _) => Task.FromException<HttpResponseMessage>(exception));

    public static HttpResponseMessage Respond(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, body, request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value)), _time.GetUtcNow()));
        if (_script.TryDequeue(out var next))
        {
            return await next(request, cancellationToken);
        }

        return Fallback(request);
    }
}

public sealed record RecordedRequest(HttpMethod Method, Uri Uri, byte[] Body, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At);
