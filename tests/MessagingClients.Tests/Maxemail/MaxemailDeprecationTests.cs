using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MessagingClients.Maxemail;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Tests.Maxemail;

public sealed class MaxemailDeprecationTests
{
    private static async Task<MaxemailResult<System.Text.Json.JsonElement>> CallWithWarnings(MaxemailHarness h, string method, params string[] warnings)
    {
        h.Server.Given(MaxemailHarness.Post("recipient")).RespondWith(MaxemailHarness.Json("12345").WithHeader("Warning", warnings));
        return await h.Client.CallAsync("recipient", method, new object?[] { "a@example.com" }, cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_seed_warning_is_surfaced_on_the_result_through_the_callback_and_as_one_log_warning_per_method()
    {
        var seen = new ConcurrentQueue<MaxemailDeprecation>();
        using var h = new MaxemailHarness(o => o.OnDeprecation = seen.Enqueue);
        const string Header = "299 MxmApi/v123 \"methodName Deprecated: 123 Reason or explanation of alternative\"";

        var first = await CallWithWarnings(h, "findByEmailAddress", Header);
        await h.Client.CallAsync("recipient", "findByEmailAddress", new object?[] { "b@example.com" }, cancellationToken: TestContext.Current.CancellationToken);

        var warning = Assert.Single(first.Warnings);
        Assert.Equal("recipient", warning.Service);
        Assert.Equal("findByEmailAddress", warning.Method);
        Assert.Equal("MxmApi/v123", warning.Agent);
        Assert.Equal("methodName Deprecated: 123 Reason or explanation of alternative", warning.Text);
        Assert.Equal("methodName", warning.Subject);
        Assert.Equal("123", warning.Since);
        Assert.Equal("Reason or explanation of alternative", warning.Reason);
        Assert.Equal(2, seen.Count);
        var logged = h.Logs.Entries.Where(e => e.Id.Id == 3001).ToList();
        var log = Assert.Single(logged);
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Contains("recipient.findByEmailAddress", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_deprecation_is_counted_on_the_shared_meter()
    {
        using var h = new MaxemailHarness();
        var operation = "recipient.countedMethod";
        long count = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MessagingClients" && instrument.Name == "messaging.client.deprecations")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.operation.name" && (string?)tag.Value == operation)
                {
                    Interlocked.Add(ref count, value);
                }
            }
        });
        listener.Start();

        await CallWithWarnings(h, "countedMethod", "299 MxmApi/v1 \"countedMethod Deprecated: 1 a\", 299 MxmApi/v1 \"other Deprecated: 1 b\"");

        Assert.Equal(2, Interlocked.Read(ref count));
    }

    [Theory]
    [InlineData("299 OtherApi/v1 \"x Deprecated: 1 y\"")]
    [InlineData("199 MxmApi/v1 \"x Deprecated: 1 y\"")]
    [InlineData("299 MxmApi/v1 unquoted text")]
    [InlineData("299 MxmApi/v1 \"unterminated")]
    [InlineData("garbage")]
    [InlineData("29 MxmApi/v1 \"short code\"")]
    public async Task Other_agents_other_codes_and_malformed_values_are_ignored_and_the_call_succeeds(string header)
    {
        var calls = 0;
        using var h = new MaxemailHarness(o => o.OnDeprecation = _ => calls++);

        var result = await CallWithWarnings(h, "findByEmailAddress", header);

        Assert.Equal(12345, result.Value.GetInt32());
        Assert.Empty(result.Warnings);
        Assert.Equal(0, calls);
        Assert.DoesNotContain(h.Logs.Entries, e => e.Id.Id == 3001);
    }

    [Fact]
    public async Task Several_values_with_commas_and_escaped_quotes_in_the_text_and_a_date_are_all_read()
    {
        using var h = new MaxemailHarness();

        var result = await CallWithWarnings(h, "find",
            "299 MxmApi/v2 \"find Deprecated: 2.1 Use a, b or c\", 199 MxmApi/v2 \"ignored\", 299 mxmapi/V3 \"update \\\"legacy\\\" Deprecated: 3 Use \\\\update2\" \"Wed, 01 Jan 2020 00:00:00 GMT\"",
            "299 MxmApi/v4 \"second header line\"");

        Assert.Collection(result.Warnings,
            w =>
            {
                Assert.Equal("find Deprecated: 2.1 Use a, b or c", w.Text);
                Assert.Equal("2.1", w.Since);
                Assert.Equal("Use a, b or c", w.Reason);
            },
            w =>
            {
                Assert.Equal("mxmapi/V3", w.Agent);
                Assert.Equal("update \"legacy\" Deprecated: 3 Use \\update2", w.Text);
                Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), w.Date);
            },
            w =>
            {
                Assert.Equal("second header line", w.Text);
                Assert.Null(w.Since);
            });
    }

    [Fact]
    public async Task A_malformed_value_does_not_hide_a_valid_one_after_it()
    {
        using var h = new MaxemailHarness();

        var result = await CallWithWarnings(h, "find", "299 MxmApi/v1 broken, 299 MxmApi/v1 \"good Deprecated: 1 fine\"");

        Assert.Equal("good Deprecated: 1 fine", Assert.Single(result.Warnings).Text);
    }

    [Fact]
    public async Task A_throwing_callback_is_logged_and_does_not_fail_the_call()
    {
        using var h = new MaxemailHarness(o => o.OnDeprecation = _ => throw new InvalidOperationException("boom"));

        var result = await CallWithWarnings(h, "find", "299 MxmApi/v1 \"find Deprecated: 1 x\"");

        Assert.Single(result.Warnings);
        Assert.Contains(h.Logs.Entries, e => e.Id.Id == 3002 && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Deprecations_reach_the_send_receipt()
    {
        using var h = new MaxemailHarness();
        h.Server.Given(MaxemailHarness.Post("transactional")).RespondWith(MaxemailHarness.Json("\"k1\"").WithHeader("Warning", "299 MxmApi/v9 \"send Deprecated: 9 Use sendV2\""));

        var receipt = await h.Client.SendAsync(new OutgoingMessage { To = { "to@example.com" }, From = "from@example.com", Subject = "s", Text = "t" }, TestContext.Current.CancellationToken);

        Assert.Equal("send Deprecated: 9 Use sendV2", Assert.Single(receipt.Warnings));
    }
}
