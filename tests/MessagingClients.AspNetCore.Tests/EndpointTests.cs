using System.Net;
using System.Text;
using MessagingClients.Mms;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingClients.AspNetCore.Tests;

public sealed class EndpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RecordingHandler _handler = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Delivery_receipt_is_stored_acknowledged_and_handed_to_the_handler_once()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler);

        using var response = await host.PostAsync(Postbacks.SmsDelivered, remoteIp: "127.0.0.1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Wait.UntilAsync(() => _handler.SuccessCount == 1);
        var (postback, context, _) = Assert.Single(_handler.Calls);
        var receipt = Assert.IsType<DeliveryReceipt>(postback);
        Assert.Equal("U01TXzgwNjc4", receipt.TrackingId);
        Assert.True(receipt.IsDelivered);
        Assert.Equal(1, context.Attempt);
        Assert.Equal("127.0.0.1", context.RemoteIp);

        // The raw body is in the file (base64), then a "processed" state record.
        var lines = _dir.Lines();
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Postbacks.SmsDelivered)), lines[0], StringComparison.Ordinal);
        Assert.Contains("\"t\":\"add\"", lines[0], StringComparison.Ordinal);
        await Wait.UntilAsync(async () => (await host.Inbox.GetPendingAsync()).Count == 0);
        Assert.Contains("\"s\":\"Processed\"", _dir.Lines()[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redeliveries_are_acknowledged_and_not_handled_again()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler);

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.PostAsync(Postbacks.SmsMo)));
        await Wait.UntilAsync(() => _handler.SuccessCount == 1);
        using var later = await host.PostAsync(Postbacks.SmsMo);

        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Single(_dir.Lines(), l => l.Contains("\"t\":\"add\"", StringComparison.Ordinal));
        await host.DrainAsync(_handler);
        Assert.Equal(1, _handler.CallCount);
        Assert.Equal("STOP", Assert.IsType<InboundMessage>(Assert.Single(_handler.Calls).Postback).Text);
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("34.198.230.59")]
    [InlineData("2001:db8::1")]
    public async Task A_source_not_allowed_gets_403_and_nothing_is_stored(string remoteIp)
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler);

        using var response = await host.PostAsync(Postbacks.SmsDelivered, remoteIp);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_dir.Lines());
        Assert.Equal(0, _handler.CallCount);
    }

    [Fact]
    public async Task By_default_only_the_documented_addresses_are_allowed_and_loopback_is_not()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler, allowLoopback: false);

        using var loopback = await host.PostAsync(Postbacks.Receipt(1), "127.0.0.1");
        using var loopback6 = await host.PostAsync(Postbacks.Receipt(2), "::1");
        var documented = await Task.WhenAll(MmsPostbackParser.DefaultSourceAddresses.Select((ip, i) => host.PostAsync(Postbacks.Receipt(10 + i), ip)));
        using var mapped = await host.PostAsync(Postbacks.Receipt(20), "::ffff:34.197.248.124");

        Assert.Equal(HttpStatusCode.Forbidden, loopback.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, loopback6.StatusCode);
        Assert.All(documented, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, mapped.StatusCode);
        await Wait.UntilAsync(() => _handler.SuccessCount == 4);
    }

    [Fact]
    public async Task Allowed_sources_take_CIDR_ranges_and_replace_the_defaults()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler, o => o.AllowedSources.Add("10.20.0.0/16"), allowLoopback: false);

        using var inRange = await host.PostAsync(Postbacks.Receipt(1), "10.20.3.4");
        using var outOfRange = await host.PostAsync(Postbacks.Receipt(2), "10.21.0.1");
        using var documented = await host.PostAsync(Postbacks.Receipt(3), "34.198.230.58");

        Assert.Equal(HttpStatusCode.OK, inRange.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, outOfRange.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, documented.StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_address_is_checked_and_untrusted_proxies_are_not_believed()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler, o => o.TrustedProxies.Add("10.0.0.5"),
            allowLoopback: false, forwardedHeaders: true);

        async Task<HttpStatusCode> Post(int i, string proxy, string forwardedFor)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/postbacks/mms") { Content = new StringContent(Postbacks.Receipt(i), Encoding.UTF8, "text/xml") };
            request.Headers.Add(ReceiverHost.RemoteIpHeader, proxy);
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await host.Client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Post(1, "10.0.0.5", "34.198.230.58"));
        Assert.Equal(HttpStatusCode.Forbidden, await Post(2, "10.0.0.6", "34.198.230.58"));            // proxy not trusted
        Assert.Equal(HttpStatusCode.Forbidden, await Post(3, "10.0.0.5", "34.198.230.58, 203.0.113.7")); // spoofed first hop
        Assert.Equal(HttpStatusCode.Forbidden, await Post(4, "127.0.0.1", "34.198.230.58"));           // loopback is not trusted either
        Assert.Equal(HttpStatusCode.OK, await Post(5, "34.198.230.58", "203.0.113.7"));                // not a proxy: its header is ignored

        await Wait.UntilAsync(() => _handler.SuccessCount == 2);
        Assert.All(_handler.Calls, c => Assert.Equal("34.198.230.58", c.Context.RemoteIp));
    }

    [Fact]
    public async Task A_body_over_the_cap_gets_413_with_or_without_a_length_and_is_not_stored()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler, o => o.MaxBodyBytes = 1024);
        var big = Encoding.UTF8.GetBytes("<POSTBACK><TEXT>" + new string('x', 5000) + "</TEXT></POSTBACK>");

        using var withLength = await host.PostAsync(big);
        var chunked = new HttpRequestMessage(HttpMethod.Post, "/postbacks/mms") { Content = new StreamContent(new NoLengthStream(big)) };
        chunked.Content.Headers.ContentType = new("text/xml");
        using var withoutLength = await host.Client.SendAsync(chunked);
        using var justUnder = await host.PostAsync(Encoding.UTF8.GetBytes(Postbacks.Receipt(1)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withoutLength.StatusCode);
        Assert.Equal(HttpStatusCode.OK, justUnder.StatusCode);
        Assert.Single(_dir.Lines(), l => l.Contains("\"t\":\"add\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("application/json", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/plain", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("multipart/form-data; boundary=x", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("not a media type", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/xml", HttpStatusCode.OK)]
    [InlineData("text/xml; charset=utf-8", HttpStatusCode.OK)]
    [InlineData("APPLICATION/XML", HttpStatusCode.OK)]
    [InlineData("application/soap+xml", HttpStatusCode.OK)]
    [InlineData(null, HttpStatusCode.OK)]
    public async Task Content_type_must_be_XML_or_missing(string? contentType, HttpStatusCode expected)
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler);

        using var response = await host.PostAsync(Encoding.UTF8.GetBytes(Postbacks.SmsDelivered), contentType: contentType);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, _dir.Lines().Length > 0 ? 1 : 0);
    }

    [Fact]
    public async Task A_missing_content_type_can_be_refused()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler, o => o.AcceptMissingContentType = false);

        using var response = await host.PostAsync(Encoding.UTF8.GetBytes(Postbacks.SmsDelivered), contentType: null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    public static TheoryData<string, string> HostileBodies => new()
    {
        { "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><POSTBACK><ORIGIN>SMS_MO</ORIGIN><TEXT>&lol3;</TEXT></POSTBACK>", "DtdProhibited" },
        { "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><POSTBACK><ORIGIN>SMS_MO</ORIGIN><TEXT>&xxe;</TEXT></POSTBACK>", "DtdProhibited" },
        { "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><TRACKINGID>abc", "Malformed" },
        { "{\"not\":\"xml\"}", "Malformed" },
        { "   ", "Empty" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Hostile_or_unparseable_XML_is_stored_acknowledged_reported_and_never_handled(string body, string error)
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler);

        using var first = await host.PostAsync(body);
        using var again = await host.PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var kept = Assert.Single(await host.Inbox.GetUnparseableAsync());
        Assert.StartsWith(error + ":", kept.LastError, StringComparison.Ordinal);
        Assert.StartsWith("raw-sha256:", kept.DeduplicationKey, StringComparison.Ordinal);
        Assert.Equal(body, Encoding.UTF8.GetString(kept.Body.Span));
        Assert.Empty(await host.Inbox.GetPendingAsync());
        await host.DrainAsync(_handler);
        Assert.Equal(0, _handler.CallCount);
    }

    [Fact]
    public async Task When_the_store_fails_the_answer_is_503_so_the_provider_delivers_again()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler,
            services: s => s.AddSingleton<IPostbackStore>(new FailingStore()));

        using var response = await host.PostAsync(Postbacks.SmsDelivered);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, _handler.CallCount);
    }

    [Fact]
    public async Task Acknowledgement_does_not_wait_for_the_handler()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Behavior = (_, _, ct) => release.Task.WaitAsync(ct);
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => host.PostAsync(Postbacks.Receipt(i))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, _handler.SuccessCount);
        release.SetResult();
        await Wait.UntilAsync(() => _handler.SuccessCount == 20);
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_naming_the_setting()
    {
        var ex = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            ReceiverHost.StartAsync(_dir.Path, _handler, o => { o.AllowedSources.Add("34.198.230.58/40"); o.MaxAttempts = 0; }));

        Assert.Contains("Messaging:MmsPostbacks:AllowedSources[2]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Messaging:MmsPostbacks:MaxAttempts", ex.Message, StringComparison.Ordinal);
    }

    private sealed class FailingStore : IPostbackStore
    {
        public ValueTask<bool> TryAddAsync(StoredPostback postback, CancellationToken cancellationToken) => throw new IOException("disk full");

        public ValueTask SetStateAsync(string id, PostbackState state, int attempts, string? lastError, CancellationToken cancellationToken) => throw new IOException("disk full");

        public ValueTask<StoredPostback?> GetAsync(string id, CancellationToken cancellationToken) => new((StoredPostback?)null);

        public ValueTask<IReadOnlyList<StoredPostback>> ListAsync(PostbackState state, CancellationToken cancellationToken) => new(Array.Empty<StoredPostback>());
    }

    /// <summary>A stream without a length, so the body is sent without Content-Length.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
