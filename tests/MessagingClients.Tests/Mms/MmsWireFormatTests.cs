using System.Xml.Linq;
using MessagingClients.Mms;

namespace MessagingClients.Tests.Mms;

public sealed class MmsWireFormatTests : IDisposable
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
    private readonly MmsTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task SendSms_posts_the_exact_XML_with_numbers_normalized_and_text_escaped()
    {
        _kit.Reply(MmsTestKit.Success());
        using var client = _kit.Client();

        var result = await client.SendSmsAsync(new SmsMessage { To = "+1 (774) 319-9144", Text = "Tom & Jerry <3 \"quotes\" 'ü' €\r\nline 2" }, TestContext.Current.CancellationToken);

        Assert.Equal("U01TXzgwNjc4", result.TrackingId);
        Assert.Equal("17743199144", result.To);
        Assert.Equal(1, result.Attempts);
        Assert.False(result.IsReplay);
        var request = Assert.Single(_kit.Requests).RequestMessage;
        Assert.Equal("POST", request!.Method);
        Assert.Equal("text/xml; charset=utf-8", request.Headers!["Content-Type"].Single());
        Assert.Equal(
            Declaration + "<REQUEST><ACTION>sendSMS</ACTION><API_KEY>test-key-Zq9</API_KEY><TO>17743199144</TO><FROM>60856</FROM>"
            + "<TEXT>Tom &amp; Jerry &lt;3 \"quotes\" 'ü' €&#xD;\nline 2</TEXT></REQUEST>",
            _kit.BodyOf(0));
        Assert.NotEqual(0xEF, request.BodyAsBytes![0]); // no byte-order mark
        Assert.Equal("Tom & Jerry <3 \"quotes\" 'ü' €\r\nline 2", XDocument.Parse(_kit.BodyOf(0)).Root!.Element("TEXT")!.Value);
    }

    [Fact]
    public async Task SendSms_writes_the_optional_fields_in_order()
    {
        _kit.Reply(MmsTestKit.Success());
        using var client = _kit.Client();

        await client.SendSmsAsync(new SmsMessage
        {
            To = "0044 20 7946 0958", From = "+1 774 319 0000", Text = "Hi", FromMask = "Acme_Co-1", OperatorId = "77", CampaignRef = "323",
        }, TestContext.Current.CancellationToken);

        Assert.Equal(
            Declaration + "<REQUEST><ACTION>sendSMS</ACTION><API_KEY>test-key-Zq9</API_KEY><TO>442079460958</TO><FROM>17743190000</FROM>"
            + "<FROM_MASK>Acme_Co-1</FROM_MASK><OPERATORID>77</OPERATORID><CAMPAIGNREF>323</CAMPAIGNREF><TEXT>Hi</TEXT></REQUEST>",
            _kit.BodyOf(0));
    }

    [Fact]
    public async Task SendMms_posts_the_exact_XML_with_slides_in_order()
    {
        _kit.Reply(MmsTestKit.Success("TU1TXzU5Nzg3OQ==", extra: "<MMSID>35674</MMSID>"));
        using var client = _kit.Client();

        var result = await client.SendMmsAsync(new MmsMessage
        {
            To = "17743199144",
            Subject = "The subject",
            Name = "fishtank",
            CampaignRef = "323",
            FallbackSmsText = "See https://example.com/m/1",
            Slides =
            {
                new MmsSlide
                {
                    Media =
                    {
                        new MmsMedia(new Uri("https://cdn.example.com/images/1.jpg?size=large&v=2"), "image/jpeg"),
                        new MmsMedia(new Uri("https://cdn.example.com/audio/1.mp3"), "audio/mpeg"),
                    },
                    Text = "Fish & chips",
                    Duration = 5,
                },
                MmsSlide.WithMedia(new Uri("https://cdn.example.com/v.mp4"), "video/mp4"),
                MmsSlide.WithMedia(new Uri("https://cdn.example.com/card.vcf"), "text/vcard; charset=utf-8"),
                MmsSlide.WithMedia(new Uri("https://cdn.example.com/event.ics"), "text/calendar"),
                MmsSlide.WithMedia(new Uri("https://cdn.example.com/menu.pdf"), "application/pdf"),
                MmsSlide.WithMedia(new Uri("http://cdn.example.com/ticket.pkpass"), "application/vnd.apple.pkpass", "Your ticket"),
                MmsSlide.WithText("Bye"),
            },
        }, TestContext.Current.CancellationToken);

        Assert.Equal("TU1TXzU5Nzg3OQ==", result.TrackingId);
        Assert.Equal("35674", result.MmsId);
        Assert.Equal(
            Declaration + "<REQUEST><ACTION>sendMMS</ACTION><API_KEY>test-key-Zq9</API_KEY><TO>17743199144</TO><FROM>60856</FROM>"
            + "<CAMPAIGNREF>323</CAMPAIGNREF><SUBJECT>The subject</SUBJECT><NAME>fishtank</NAME>"
            + "<SLIDE><IMAGE><URL>https://cdn.example.com/images/1.jpg?size=large&amp;v=2</URL></IMAGE><AUDIO><URL>https://cdn.example.com/audio/1.mp3</URL></AUDIO><TEXT>Fish &amp; chips</TEXT><DURATION>5</DURATION></SLIDE>"
            + "<SLIDE><VIDEO><URL>https://cdn.example.com/v.mp4</URL></VIDEO></SLIDE>"
            + "<SLIDE><VCARD><URL>https://cdn.example.com/card.vcf</URL></VCARD></SLIDE>"
            + "<SLIDE><ICAL><URL>https://cdn.example.com/event.ics</URL></ICAL></SLIDE>"
            + "<SLIDE><PDF><URL>https://cdn.example.com/menu.pdf</URL></PDF></SLIDE>"
            + "<SLIDE><PASSBOOK><URL>http://cdn.example.com/ticket.pkpass</URL></PASSBOOK><TEXT>Your ticket</TEXT></SLIDE>"
            + "<SLIDE><TEXT>Bye</TEXT></SLIDE>"
            + "<FALLBACKSMSTEXT>See https://example.com/m/1</FALLBACKSMSTEXT></REQUEST>",
            _kit.BodyOf(0));
    }

    [Fact]
    public async Task Every_attempt_carries_the_same_bytes_and_idempotency_key()
    {
        _kit.Sequence((200, MmsTestKit.Failure("E113", "API exceeded")), (200, MmsTestKit.Success()));
        var time = new Infrastructure.DrivenTimeProvider();
        using var client = _kit.Client(time: time);

        var result = await time.RunAsync(() => client.SendSmsAsync(new SmsMessage { To = "+17743199144", Text = "Hi", IdempotencyKey = "order-42" }));

        Assert.Equal(2, result.Attempts);
        Assert.Equal(_kit.BodyOf(0), _kit.BodyOf(1));
        Assert.All(_kit.Requests, r => Assert.Equal("order-42", r.RequestMessage!.Headers!["Idempotency-Key"]!.Single()));
    }

    [Fact]
    public async Task A_completed_idempotency_key_is_not_sent_again()
    {
        _kit.Reply(MmsTestKit.Success("T-1"));
        using var client = _kit.Client();
        var message = new SmsMessage { To = "+17743199144", Text = "Hi", IdempotencyKey = "order-43" };

        var first = await client.SendSmsAsync(message, TestContext.Current.CancellationToken);
        var again = await client.SendSmsAsync(message, TestContext.Current.CancellationToken);

        Assert.Single(_kit.Requests);
        Assert.False(first.IsReplay);
        Assert.True(again.IsReplay);
        Assert.Equal("T-1", again.TrackingId);
    }

    [Fact]
    public async Task Subscribe_and_unsubscribe_post_the_documented_shape()
    {
        _kit.Reply("<RESPONSE><STATUS>Success</STATUS><CAMPAIGNID>1116</CAMPAIGNID><MOBILE>16502426055</MOBILE></RESPONSE>");
        using var client = _kit.Client();
        var ct = TestContext.Current.CancellationToken;

        var response = await client.SubscribeAsync(new MmsSubscription
        {
            CampaignId = "1116", Mobile = "+1 650 242 6055", Notify = false, ConfirmOptIn = true, TimeZone = "EST",
            Data = new Dictionary<string, string> { ["FIRST_NAME"] = "John", ["LAST_NAME"] = "Smith & Sons" },
        }, ct);
        await client.UnsubscribeAsync(new MmsSubscription { CampaignId = "1116", Mobile = "16502426055", Notify = true }, ct);

        Assert.True(response.Value("STATUS") == "Success");
        Assert.Equal("1116", response.Fields["CAMPAIGNID"]);
        Assert.Equal(
            Declaration + "<REQUEST><ACTION>subscribe</ACTION><API_KEY>test-key-Zq9</API_KEY><CAMPAIGNID>1116</CAMPAIGNID><MOBILE>16502426055</MOBILE>"
            + "<DATA><FIRST_NAME>John</FIRST_NAME><LAST_NAME>Smith &amp; Sons</LAST_NAME></DATA><NOTIFY>no</NOTIFY><CTA>yes</CTA><TIMEZONE>EST</TIMEZONE></REQUEST>",
            _kit.BodyOf(0));
        Assert.Equal(
            Declaration + "<REQUEST><ACTION>unsubscribe</ACTION><API_KEY>test-key-Zq9</API_KEY><CAMPAIGNID>1116</CAMPAIGNID><MOBILE>16502426055</MOBILE><NOTIFY>yes</NOTIFY></REQUEST>",
            _kit.BodyOf(1));
    }

    [Fact]
    public async Task CallAsync_sends_fields_in_order_and_returns_the_parsed_response()
    {
        _kit.Reply("<RESPONSE><STATUS>Success</STATUS><MMSIDS><MMSID>1</MMSID><MMSID>2</MMSID></MMSIDS></RESPONSE>");
        using var client = _kit.Client();

        var response = await client.CallAsync("getMmsIds", new Dictionary<string, string?> { ["CAMPAIGNID"] = "7", ["SKIPPED"] = null, ["NOTE"] = "a<b" },
            TestContext.Current.CancellationToken);

        Assert.Equal("Success", response.Status);
        Assert.Equal("getMmsIds", response.Action);
        Assert.Equal(new[] { "1", "2" }, response.Element.Element("MMSIDS")!.Elements("MMSID").Select(e => e.Value));
        Assert.Equal(
            Declaration + "<REQUEST><ACTION>getMmsIds</ACTION><API_KEY>test-key-Zq9</API_KEY><CAMPAIGNID>7</CAMPAIGNID><NOTE>a&lt;b</NOTE></REQUEST>",
            _kit.BodyOf(0));
    }

    [Theory]
    [InlineData("ACTION")]
    [InlineData("api_key")]
    public async Task CallAsync_refuses_to_overwrite_the_action_or_key(string name)
    {
        using var client = _kit.Client();
        await Assert.ThrowsAsync<ArgumentException>(() => client.CallAsync("getX", new Dictionary<string, string?> { [name] = "x" }, TestContext.Current.CancellationToken));
        Assert.Empty(_kit.Requests);
    }

    [Fact]
    public async Task CallAsync_refuses_invalid_names()
    {
        using var client = _kit.Client();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CallAsync("getX", new Dictionary<string, string?> { ["A B"] = "x" }, TestContext.Current.CancellationToken));
        Assert.Equal("fields", error.ParamName);
        error = await Assert.ThrowsAsync<ArgumentException>(() => client.CallAsync("bad action", new Dictionary<string, string?>(), TestContext.Current.CancellationToken));
        Assert.Equal("action", error.ParamName);
        Assert.Empty(_kit.Requests);
    }

    [Fact]
    public async Task CallAsync_with_elements_writes_nested_content_and_refuses_what_XML_cannot_carry()
    {
        _kit.Reply("<RESPONSE><STATUS>Success</STATUS></RESPONSE>");
        using var client = _kit.Client();

        await client.CallAsync("saveThing", new[] { new XElement("DATA", new XElement("A", "1 & 2")) }, TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CallAsync("saveThing", new[] { new XElement("B", "bell \u0007") }, TestContext.Current.CancellationToken));

        Assert.Equal("content", error.ParamName);
        Assert.Single(_kit.Requests);
        Assert.EndsWith("<API_KEY>test-key-Zq9</API_KEY><DATA><A>1 &amp; 2</A></DATA></REQUEST>", _kit.BodyOf(0), StringComparison.Ordinal);
    }
}
