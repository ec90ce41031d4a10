using System.Diagnostics;
using System.Text;
using MessagingClients.Mms;

namespace MessagingClients.Tests.Mms;

public sealed class MmsPostbackParserTests
{
    // The documented samples (provider's API 1.3 documentation), including its broken <FROM_MASK><FROM_MASK> tag.
    private const string SmsSent = """
        <?xml version='1.0'?>
        <POSTBACK>
          <ORIGIN>SMS_MT</ORIGIN>
          <CODE>N201</CODE>
          <STATUS>Message Sent</STATUS>
          <FROM>60856</FROM>
          <FROM_MASK><FROM_MASK>
          <TO>16503333058</TO>
          <TRACKINGID>U01TXzgwNjc4</TRACKINGID>
          <SPID>0001470</SPID>
          <TIMESTAMP>2013-11-05T05:41:08-05:00</TIMESTAMP>
        </POSTBACK>
        """;

    private const string SmsDelivered = """
        <?xml version='1.0'?>
        <POSTBACK>
          <ORIGIN>SMS_MT</ORIGIN>
          <CODE>N202</CODE>
          <STATUS>Message Sent/Delivered</STATUS>
          <FROM>60856</FROM>
          <FROM_MASK></FROM_MASK>
          <TO>16503333058</TO>
          <TRACKINGID>U01TXzgwNjc4</TRACKINGID>
          <SPID>0001470</SPID>
          <TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP>
          <AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>
        </POSTBACK>
        """;

    private const string MmsDelivered = """
        <?xml version='1.0'?>
        <POSTBACK>
          <ORIGIN>MMS_MT</ORIGIN>
          <CODE>N102</CODE>
          <SENTAS>MMS</SENTAS>
          <STATUS>Message Sent/Delivered</STATUS>
          <MMSID>39597</MMSID>
          <FROM>60856</FROM>
          <TO>16501112222</TO>
          <TRACKINGID>TU1TXzU5Nzg3OQ==</TRACKINGID>
          <SPID>0001570</SPID>
          <TIMESTAMP>2012-06-07T07:27:34-05:00</TIMESTAMP>
          <HANDSET>motol7c</HANDSET>
          <AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>
          <OS>iOS</OS>
        </POSTBACK>
        """;

    private const string MmsSentAsSms = """
        <?xml version='1.0'?>
        <POSTBACK>
          <ORIGIN>MMS_MT</ORIGIN>
          <CODE>N101</CODE>
          <SENTAS>SMS</SENTAS>
          <STATUS>Message Sent</STATUS>
          <MMSID>39755</MMSID>
          <FROM>60856</FROM>
          <TO>16502424956</TO>
          <TRACKINGID>TU1TXzU5Nzg3Nw==</TRACKINGID>
          <SPID>0001140</SPID>
          <TIMESTAMP>2012-06-07T07:27:34-05:00</TIMESTAMP>
          <STATUSDETAILS>Handset setting: mms with pass via xHTML</STATUSDETAILS>
        </POSTBACK>
        """;

    private const string MmsFailed = """
        <?xml version='1.0'?>
        <POSTBACK>
          <ORIGIN>MMS_MT</ORIGIN>
          <CODE>E101</CODE>
          <STATUS>Message Failed</STATUS>
          <MMSID>39755</MMSID>
          <FROM>60856</FROM>
          <TO>16502424956</TO>
          <TRACKINGID>TU1TXzU5Nzg3Nw==</TRACKINGID>
          <SPID>0001140</SPID>
          <STATUSDETAILS>Error fetching dynamic content</STATUSDETAILS>
        </POSTBACK>
        """;

    private const string SmsMo = """
        <POSTBACK>
          <ORIGIN>SMS_MO</ORIGIN>
          <CODE>N211</CODE>
          <FROM>15552312102</FROM>
          <TO>86717</TO>
          <TEXT>STOP</TEXT>
          <RECEIVED>2011-09-28T17:31:02-04:00</RECEIVED>
          <TRANSACTIONID>511XG-02294-192SA-482H8</TRANSACTIONID>
        </POSTBACK>
        """;

    private const string MmsMo = """
        <POSTBACK>
            <ORIGIN>MMS_MO</ORIGIN>
            <CODE>N401</CODE>
            <FROM>13217949521</FROM>
            <TO>74700</TO>
            <KEYWORD>all</KEYWORD>
            <TRACKINGID>MMS_MO_iLnCRrL6</TRACKINGID>
            <SPID>0001470</SPID>
            <TIMESTAMP>2014-02-03T11:19:49-05:00</TIMESTAMP>
            <CONTENT>
              <FILE>https://files.example.com/1.jpg</FILE>
              <FILE>https://files.example.com/2.txt</FILE>
            </CONTENT>
        </POSTBACK>
        """;

    private const string Subscribed = """
        <?xml version='1.0'?>
        <POSTBACK>
            <ORIGIN>SUB</ORIGIN>
            <CODE>N301</CODE>
            <MOBILE>16501112222</MOBILE>
            <CAMPAIGNID>1478</CAMPAIGNID>
            <TIMESTAMP>2014-07-02T14:32:23-04</TIMESTAMP>
            <SHORTCODE>123456</SHORTCODE>
            <CAMPAIGNTITLE>My Campaign Name</CAMPAIGNTITLE>
            <BRANDNAME>My Brand Name</BRANDNAME>
            <SOURCE>API</SOURCE>
        </POSTBACK>
        """;

    private const string Unsubscribed = """
        <?xml version='1.0'?>
        <POSTBACK>
            <ORIGIN>SUB</ORIGIN>
            <CODE>N302</CODE>
            <MOBILE>16502424956</MOBILE>
            <CAMPAIGNID>1478</CAMPAIGNID>
            <TIMESTAMP>2014-07-02T14:32:23-04</TIMESTAMP>
            <SHORTCODE>123456</SHORTCODE>
            <SOURCE>MO</SOURCE>
        </POSTBACK>
        """;

    [Fact]
    public void SMS_sent_receipt_with_the_broken_FROM_MASK_tag_is_repaired_and_parsed()
    {
        var receipt = Assert.IsType<DeliveryReceipt>(MmsPostbackParser.Parse(SmsSent));

        Assert.Equal("SMS_MT", receipt.Origin);
        Assert.Equal("N201", receipt.Code);
        Assert.Equal("Message Sent", receipt.Status);
        Assert.Equal("60856", receipt.From);
        Assert.Null(receipt.FromMask);
        Assert.Equal("16503333058", receipt.To);
        Assert.Equal("U01TXzgwNjc4", receipt.TrackingId);
        Assert.Equal("0001470", receipt.Spid);
        Assert.Equal(new DateTimeOffset(2013, 11, 5, 5, 41, 8, TimeSpan.FromHours(-5)), receipt.TimestampValue);
        Assert.False(receipt.IsDelivered);
        Assert.False(receipt.IsFailed);
        Assert.False(receipt.IsMms);
        Assert.Equal(SmsSent, receipt.RawXml);
        Assert.Equal("SMS_MT|N201|U01TXzgwNjc4|2013-11-05T05:41:08-05:00", receipt.DeduplicationKey);
    }

    [Fact]
    public void SMS_delivered_receipt()
    {
        var receipt = Assert.IsType<DeliveryReceipt>(MmsPostbackParser.Parse(SmsDelivered));

        Assert.True(receipt.IsDelivered);
        Assert.Equal("11529-64807-97508-73852-97658", receipt.AggregatorId);
        Assert.NotEqual(MmsPostbackParser.Parse(SmsSent).DeduplicationKey, receipt.DeduplicationKey);
    }

    [Fact]
    public void MMS_receipts()
    {
        var delivered = Assert.IsType<DeliveryReceipt>(MmsPostbackParser.Parse(MmsDelivered));
        Assert.True(delivered.IsMms);
        Assert.True(delivered.IsDelivered);
        Assert.Equal("39597", delivered.MmsId);
        Assert.Equal("MMS", delivered.SentAs);
        Assert.Equal("motol7c", delivered.Handset);
        Assert.Equal("iOS", delivered.OperatingSystem);

        var sentAsSms = Assert.IsType<DeliveryReceipt>(MmsPostbackParser.Parse(MmsSentAsSms));
        Assert.Equal("SMS", sentAsSms.SentAs);
        Assert.Equal("Handset setting: mms with pass via xHTML", sentAsSms.StatusDetails);

        var failed = Assert.IsType<DeliveryReceipt>(MmsPostbackParser.Parse(MmsFailed));
        Assert.True(failed.IsError);
        Assert.True(failed.IsFailed);
        Assert.Null(failed.Timestamp);
        Assert.Equal("MMS_MT|E101|TU1TXzU5Nzg3Nw==|", failed.DeduplicationKey);
    }

    [Fact]
    public void Inbound_SMS()
    {
        var inbound = Assert.IsType<InboundMessage>(MmsPostbackParser.Parse(SmsMo));

        Assert.False(inbound.IsMms);
        Assert.Equal("15552312102", inbound.From);
        Assert.Equal("86717", inbound.To);
        Assert.Equal("STOP", inbound.Text);
        Assert.Equal("2011-09-28T17:31:02-04:00", inbound.Received);
        Assert.Equal("511XG-02294-192SA-482H8", inbound.TransactionId);
        Assert.Empty(inbound.ContentUrls);
        Assert.Equal("SMS_MO|N211|511XG-02294-192SA-482H8|2011-09-28T17:31:02-04:00", inbound.DeduplicationKey);
    }

    [Fact]
    public void Inbound_MMS_with_content_files()
    {
        var inbound = Assert.IsType<InboundMessage>(MmsPostbackParser.Parse(MmsMo));

        Assert.True(inbound.IsMms);
        Assert.Equal("all", inbound.Keyword);
        Assert.Equal("MMS_MO_iLnCRrL6", inbound.TrackingId);
        Assert.Equal(new[] { "https://files.example.com/1.jpg", "https://files.example.com/2.txt" }, inbound.ContentUrls);
    }

    [Fact]
    public void Subscription_changes()
    {
        var subscribed = Assert.IsType<SubscriptionChange>(MmsPostbackParser.Parse(Subscribed));
        Assert.True(subscribed.IsSubscribed);
        Assert.Equal("16501112222", subscribed.Mobile);
        Assert.Equal("1478", subscribed.CampaignId);
        Assert.Equal("123456", subscribed.ShortCode);
        Assert.Equal("My Campaign Name", subscribed.CampaignTitle);
        Assert.Equal("My Brand Name", subscribed.BrandName);
        Assert.Equal("API", subscribed.Source);
        Assert.Equal(new DateTimeOffset(2014, 7, 2, 14, 32, 23, TimeSpan.FromHours(-4)), subscribed.TimestampValue);
        Assert.Equal("SUB|N301|16501112222:1478|2014-07-02T14:32:23-04", subscribed.DeduplicationKey);

        var unsubscribed = Assert.IsType<SubscriptionChange>(MmsPostbackParser.Parse(Unsubscribed));
        Assert.False(unsubscribed.IsSubscribed);
        Assert.Equal("MO", unsubscribed.Source);
        Assert.Null(unsubscribed.BrandName);
    }

    [Fact]
    public void The_older_NOTIFICATION_shape_is_read()
    {
        const string xml = """<NOTIFICATION id="325" created="2011-01-01 20:09:12.975911-04"><ORIGIN>SUB</ORIGIN><CODE>N302</CODE><BODY><MOBILE>16502426055</MOBILE><CAMPAIGNID>1116</CAMPAIGNID></BODY></NOTIFICATION>""";

        var change = Assert.IsType<SubscriptionChange>(MmsPostbackParser.Parse(xml));

        Assert.False(change.IsSubscribed);
        Assert.Equal("16502426055", change.Mobile);
        Assert.Equal("1116", change.CampaignId);
    }

    [Theory]
    [InlineData("<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>35674</MMSID></POSTBACK>", "POSTBACK")]
    [InlineData("<POSTBACK><ORIGIN>PASS</ORIGIN><CODE>N601</CODE><NEWTHING>x</NEWTHING></POSTBACK>", "POSTBACK")]
    [InlineData("<POSTBACK><CODE>N201</CODE></POSTBACK>", "POSTBACK")]
    [InlineData("<SOMETHING><A>1</A></SOMETHING>", "SOMETHING")]
    public void Anything_else_is_kept_as_an_unknown_postback(string xml, string root)
    {
        var unknown = Assert.IsType<UnknownPostback>(MmsPostbackParser.Parse(xml));

        Assert.Equal(root, unknown.RootElement);
        Assert.Equal(xml, unknown.RawXml);
        Assert.False(string.IsNullOrEmpty(unknown.DeduplicationKey));
    }

    [Fact]
    public void Unknown_and_missing_elements_are_tolerated_and_names_are_case_insensitive()
    {
        var receipt = Assert.IsType<DeliveryReceipt>(MmsPostbackParser.Parse(
            "<postback><origin>sms_mt</origin><code>n202</code><TrackingId>T1</TrackingId><NEWFIELD>v</NEWFIELD><NESTED><A>1</A></NESTED></postback>"));

        Assert.Equal("T1", receipt.TrackingId);
        Assert.Null(receipt.Status);
        Assert.Null(receipt.To);
        Assert.True(receipt.IsDelivered);
        Assert.Equal("v", receipt.Fields["newfield"]);
    }

    [Fact]
    public void Identical_redeliveries_share_the_deduplication_key_and_unkeyed_ones_use_a_hash()
    {
        Assert.Equal(MmsPostbackParser.Parse(SmsDelivered).DeduplicationKey, MmsPostbackParser.Parse(Encoding.UTF8.GetBytes(SmsDelivered)).DeduplicationKey);
        var key = MmsPostbackParser.Parse("<POSTBACK><ORIGIN>X</ORIGIN></POSTBACK>").DeduplicationKey;
        Assert.StartsWith("sha256:", key, StringComparison.Ordinal);
        Assert.Equal(key, MmsPostbackParser.Parse("<POSTBACK><ORIGIN>X</ORIGIN></POSTBACK>").DeduplicationKey);
    }

    [Fact]
    public async Task Stream_and_async_overloads_give_the_same_result()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(MmsDelivered));
        var sync = MmsPostbackParser.Parse(stream);
        using var again = new NonSeekableStream(Encoding.UTF8.GetBytes(MmsDelivered));
        var async = await MmsPostbackParser.ParseAsync(again, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(sync.DeduplicationKey, async.DeduplicationKey);
        Assert.Equal(MmsDelivered, async.RawXml);
    }

    [Fact]
    public void Billion_laughs_is_refused()
    {
        const string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <POSTBACK><ORIGIN>SMS_MO</ORIGIN><CODE>N211</CODE><TEXT>&lol9;</TEXT></POSTBACK>
            """;
        var watch = Stopwatch.StartNew();

        var error = Assert.Throws<MmsPostbackException>(() => MmsPostbackParser.Parse(xml));

        Assert.Equal(MmsPostbackError.DtdProhibited, error.Error);
        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void An_external_entity_is_never_resolved()
    {
        var secret = Path.Combine(Path.GetTempPath(), "mms-xxe-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(secret, "TOP-SECRET-CONTENT");
        try
        {
            var xml = $"""
                <?xml version="1.0"?>
                <!DOCTYPE POSTBACK [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
                <POSTBACK><ORIGIN>SMS_MO</ORIGIN><CODE>N211</CODE><TEXT>&xxe;</TEXT></POSTBACK>
                """;

            var error = Assert.Throws<MmsPostbackException>(() => MmsPostbackParser.Parse(Encoding.UTF8.GetBytes(xml)));

            Assert.Equal(MmsPostbackError.DtdProhibited, error.Error);
            Assert.DoesNotContain("TOP-SECRET", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task A_50_MB_body_fails_fast_without_being_read()
    {
        using var body = new EndlessPostbackStream(50L * 1024 * 1024);

        var error = await Assert.ThrowsAsync<MmsPostbackException>(() => MmsPostbackParser.ParseAsync(body, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(MmsPostbackError.TooLarge, error.Error);
        Assert.Contains("1048576", error.Message, StringComparison.Ordinal);
        Assert.True(body.BytesRead <= MmsPostbackParser.DefaultMaxBytes + (64 * 1024), $"read {body.BytesRead} bytes");

        using var sync = new EndlessPostbackStream(50L * 1024 * 1024);
        Assert.Equal(MmsPostbackError.TooLarge, Assert.Throws<MmsPostbackException>(() => MmsPostbackParser.Parse(sync)).Error);
        Assert.True(sync.BytesRead <= MmsPostbackParser.DefaultMaxBytes + (64 * 1024));
    }

    [Fact]
    public void A_seekable_oversized_body_fails_before_any_read_and_the_cap_is_configurable()
    {
        using var stream = new MemoryStream(new byte[5000]);
        Assert.Equal(MmsPostbackError.TooLarge, Assert.Throws<MmsPostbackException>(() => MmsPostbackParser.Parse(stream, maxBytes: 4096)).Error);
        Assert.Equal(0, stream.Position);
        Assert.Equal(MmsPostbackError.TooLarge, Assert.Throws<MmsPostbackException>(() => MmsPostbackParser.Parse(SmsMo, maxBytes: 100)).Error);
        Assert.IsType<InboundMessage>(MmsPostbackParser.Parse(SmsMo, maxBytes: 4096));
    }

    [Theory]
    [InlineData("<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N20")]
    [InlineData("<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201</CODE>")]
    [InlineData("<?xml version='1.0'?>")]
    [InlineData("not xml at all")]
    [InlineData("{\"origin\":\"SMS_MT\"}")]
    public void Truncated_or_malformed_input_gets_a_clear_exception(string xml)
    {
        var error = Assert.Throws<MmsPostbackException>(() => MmsPostbackParser.Parse(xml));

        Assert.Equal(MmsPostbackError.Malformed, error.Error);
        Assert.Contains("not well-formed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n ")]
    public void Empty_input_gets_a_clear_exception(string xml) =>
        Assert.Equal(MmsPostbackError.Empty, Assert.Throws<MmsPostbackException>(() => MmsPostbackParser.Parse(xml)).Error);

    [Fact]
    public void The_documented_source_addresses_are_exposed() =>
        Assert.Equal(new[] { "34.198.230.58", "34.196.116.219", "34.197.248.124" }, MmsPostbackParser.DefaultSourceAddresses);

    /// <summary>Produces a well-formed-looking postback that never ends, counting what was read.</summary>
    private sealed class EndlessPostbackStream(long length) : Stream
    {
        private static readonly byte[] Head = Encoding.UTF8.GetBytes("<POSTBACK><ORIGIN>SMS_MO</ORIGIN><TEXT>");

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - BytesRead);
            for (var i = 0; i < n; i++)
            {
                var at = BytesRead + i;
                buffer[offset + i] = at < Head.Length ? Head[at] : (byte)'a';
            }

            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
