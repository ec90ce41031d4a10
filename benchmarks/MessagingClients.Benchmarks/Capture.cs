using System.Net.Http.Headers;
using MessagingClients.Testing;

namespace MessagingClients.Benchmarks;

/// <summary>One request as a client sent it and the answer it got, recorded by <see cref="CaptureHandler"/>.</summary>
internal sealed class CapturedExchange
{
    public required HttpMethod Method { get; init; }

    public required Uri Uri { get; init; }

    public required byte[] Body { get; init; }

    public required List<KeyValuePair<string, string[]>> Headers { get; init; }

    public required List<KeyValuePair<string, string[]>> ContentHeaders { get; init; }

    public required byte[] ResponseBody { get; init; }

    public required string? ResponseContentType { get; init; }

    /// <summary>Sends one message through <paramref name="provider"/>'s client and returns what went over the wire.</summary>
    public static async Task<CapturedExchange> OfAsync(ProviderSimulator simulator, string provider)
    {
        var capture = new CaptureHandler { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(capture);
        using var sender = Senders.Create(simulator, provider, http, limiterOn: false);
        var message = Senders.Message(provider);
        message.IdempotencyKey = "capture-" + Guid.NewGuid().ToString("N");
        await ((IMessageSender)sender).SendAsync(message);
        return capture.Exchange ?? throw new InvalidOperationException("Nothing was captured.");
    }

    private sealed class CaptureHandler : DelegatingHandler
    {
        public CapturedExchange? Exchange { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            Exchange = new CapturedExchange
            {
                Method = request.Method,
                Uri = request.RequestUri!,
                Body = body,
                Headers = request.Headers.Where(h => !h.Key.Equals("Idempotency-Key", StringComparison.OrdinalIgnoreCase)
                    && !h.Key.StartsWith("traceparent", StringComparison.OrdinalIgnoreCase))
                    .Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.ToArray())).ToList(),
                ContentHeaders = request.Content is null ? new() : request.Content.Headers
                    .Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.ToArray())).ToList(),
                ResponseBody = responseBody,
                ResponseContentType = response.Content.Headers.ContentType?.ToString(),
            };
            var copy = new HttpResponseMessage(response.StatusCode) { Content = new ByteArrayContent(responseBody) };
            foreach (var header in response.Content.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Dispose();
            return copy;
        }
    }

    /// <summary>A raw request with the captured bytes and headers, plus the given idempotency key.</summary>
    public HttpRequestMessage CreateRawRequest(string idempotencyKey)
    {
        var content = new ByteArrayContent(Body);
        foreach (var header in ContentHeaders)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        var request = new HttpRequestMessage(Method, Uri) { Content = content };
        foreach (var header in Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return request;
    }

    public HttpResponseMessage CreateResponse()
    {
        var content = new ByteArrayContent(ResponseBody);
        if (ResponseContentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(ResponseContentType);
        }

        return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content };
    }
}

/// <summary>The three clients, built the same way for every benchmark.</summary>
internal static class Senders
{
    public const string Text = "Hello from the MessagingClients benchmarks. This is a short transactional message of about two hundred characters, "
        + "which is typical for an SMS-sized notification or a brief Direct message body.";

    public static IDisposable Create(ProviderSimulator simulator, string provider, HttpClient http, bool limiterOn)
    {
        void Tune(MessagingClientOptions options)
        {
            options.RateLimit.Enabled = limiterOn;
            if (limiterOn)
            {
                // On, but far from its limit: the limiter's bookkeeping without ever waiting.
                options.RateLimit.PermitsPerSecond = 1_000_000;
                options.RateLimit.Burst = 1_000_000;
            }
        }

        switch (provider)
        {
            case "maxmd":
                var maxmd = simulator.MaxMd.CreateClientOptions();
                Tune(maxmd);
                return new MaxMd.MaxMdClient(maxmd, http);
            case "maxemail":
                var maxemail = simulator.Maxemail.CreateClientOptions();
                Tune(maxemail);
                return new Maxemail.MaxemailClient(maxemail, http);
            default:
                var mms = simulator.Mms.CreateClientOptions();
                Tune(mms);
                return new Mms.MmsClient(mms, http);
        }
    }

    public static OutgoingMessage Message(string provider) => new()
    {
        To = { provider switch { "maxmd" => "care.team@direct.example.org", "maxemail" => "reader@example.com", _ => "17743199144" } },
        Subject = "Benchmark",
        Text = Text,
    };

    public static async Task<ProviderSimulator> StartSimulatorAsync()
    {
        var options = new ProviderSimulatorOptions { MaxRecordedBodyChars = 1024 };
        foreach (var provider in new SimulatedProviderOptions[] { options.MaxMd, options.Maxemail, options.Mms })
        {
            provider.EnforceRateLimit = false;
        }

        return await ProviderSimulator.StartAsync(options);
    }
}
