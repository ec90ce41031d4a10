using System.Text.Json;
using MessagingClients.Maxemail;

namespace MessagingClients.Tests.Maxemail;

public sealed class MaxemailWireFormatTests
{
    /// <summary>The seed's email_campaign.insert request body, byte for byte.</summary>
    private const string SeedInsertBody =
        "method=insert&arg0=%7B%22folder_id%22%3A1%2C%22name%22%3A%22test+email%22%2C%22subject_line%22%3A%22test+subject%22%2C%22from_address%22%3A%22from%40example.com%22%2C%22from_address_alias%22%3A%22From+Address%22%7D";

    private const string SeedInsertAnswer =
        "{\"email_id\":340,\"campaign_id\":\"298\",\"subject_line\":\"test subject\",\"message_type\":\"both\",\"from_address\":\"from@example.com\",\"from_address_alias\":\"From Address\",\"template_id\":null}";

    [Fact]
    public async Task Email_campaign_insert_matches_the_seed_byte_for_byte()
    {
        using var h = new MaxemailHarness();
        h.Answer("email_campaign", SeedInsertAnswer);

        var result = await h.Client.EmailCampaigns.InsertAsync(new MaxemailEmailCampaign
        {
            FolderId = 1,
            Name = "test email",
            SubjectLine = "test subject",
            FromAddress = "from@example.com",
            FromAddressAlias = "From Address",
        }, cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(h.Requests);
        Assert.Equal("/api/json/email_campaign", request.Path);
        Assert.Equal("POST", request.Method);
        Assert.Equal(SeedInsertBody, h.Body());
        Assert.Equal("application/x-www-form-urlencoded", request.Headers!["Content-Type"].Single());
        Assert.NotNull(result.Value);
        Assert.Equal(340, result.Value!.EmailId);
        Assert.Equal(298, result.Value.CampaignId);
        Assert.Equal("From Address", result.Value.FromAddressAlias);
        Assert.Null(result.Value.TemplateId);
        Assert.Empty(result.Warnings);
        Assert.Equal(1, result.Attempts);
    }

    [Fact]
    public async Task Generic_positional_call_with_a_dictionary_gives_the_same_seed_bytes()
    {
        using var h = new MaxemailHarness();
        h.Answer("email_campaign", SeedInsertAnswer);
        var data = new Dictionary<string, object?>
        {
            ["folder_id"] = 1,
            ["name"] = "test email",
            ["subject_line"] = "test subject",
            ["from_address"] = "from@example.com",
            ["from_address_alias"] = "From Address",
        };

        var result = await h.Client.CallAsync("email_campaign", "insert", new object?[] { data }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(SeedInsertBody, h.Body());
        Assert.Equal(JsonValueKind.Object, result.Value.ValueKind);
        Assert.Equal(340, result.Value.GetProperty("email_id").GetInt32());
    }

    [Fact]
    public async Task FindByEmailAddress_matches_the_seed_byte_for_byte_and_reads_the_bare_number()
    {
        using var h = new MaxemailHarness();
        h.Answer("recipient", "12345");

        var typed = await h.Client.Recipients.FindByEmailAddressAsync("recipient@example.com", TestContext.Current.CancellationToken);
        var generic = await h.Client.CallAsync("recipient", "findByEmailAddress",
            new Dictionary<string, object?> { ["emailAddress"] = "recipient@example.com" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("method=findByEmailAddress&emailAddress=recipient%40example.com", h.Body(0));
        Assert.Equal("method=findByEmailAddress&emailAddress=recipient%40example.com", h.Body(1));
        Assert.Equal(12345, typed.Value);
        Assert.Equal(12345, generic.Value.GetInt64());
    }

    [Fact]
    public async Task Positional_arguments_become_argN_and_nulls_are_left_out_keeping_positions()
    {
        using var h = new MaxemailHarness();
        h.Answer("list", "true");

        await h.Client.CallAsync("list", "updateRecipient", new object?[] { 7L, null, true, false, "x y" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("method=updateRecipient&arg0=7&arg2=1&arg3=0&arg4=x+y", h.Body());
    }

    [Fact]
    public async Task Named_parameters_keep_the_callers_order_and_leave_nulls_out()
    {
        using var h = new MaxemailHarness();
        h.Answer("email_send", "true");
        var parameters = new List<KeyValuePair<string, object?>>
        {
            new("emailId", 12),
            new("emailAddress", "a.b+c@example.com"),
            new("profileData", null),
        };

        await h.Client.CallAsync("email_send", "trigger", parameters, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("method=trigger&emailId=12&emailAddress=a.b%2Bc%40example.com", h.Body());
    }

    [Fact]
    public async Task Nested_arrays_objects_booleans_nulls_numbers_dates_and_non_ascii_text_are_encoded_like_the_official_client()
    {
        using var h = new MaxemailHarness();
        h.Answer("recipient", "{}");
        var data = new Dictionary<string, object?>
        {
            ["name"] = "Zoë 東京 +&=~*'",
            ["lists"] = new[] { 1, 2 },
            ["nested"] = new Dictionary<string, object?> { ["flag"] = true, ["none"] = null, ["tags"] = new List<string> { "a", "b" } },
        };

        await h.Client.CallAsync("recipient", "update", new object?[] { 5, data, 1.5, new DateTime(2024, 1, 2, 3, 4, 5), -0.25m, false }, cancellationToken: TestContext.Current.CancellationToken);

        // arg1 = {"name":"Zoë 東京 +&=~*'","lists":[1,2],"nested":{"flag":true,"none":null,"tags":["a","b"]}} : compact JSON, UTF-8, then urlencoded.
        Assert.Equal(
            "method=update&arg0=5"
            + "&arg1=%7B%22name%22%3A%22Zo%C3%AB+%E6%9D%B1%E4%BA%AC+%2B%26%3D%7E%2A%27%22%2C%22lists%22%3A%5B1%2C2%5D%2C%22nested%22%3A%7B%22flag%22%3Atrue%2C%22none%22%3Anull%2C%22tags%22%3A%5B%22a%22%2C%22b%22%5D%7D%7D"
            + "&arg2=1.5&arg3=2024-01-02+03%3A04%3A05&arg4=-0.25&arg5=0",
            h.Body());
    }

    [Fact]
    public async Task Numbers_are_formatted_in_invariant_culture_whatever_the_current_culture()
    {
        using var h = new MaxemailHarness();
        h.Answer("recipient", "{}");
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            await h.Client.CallAsync("recipient", "update", new object?[] { 1234.5, new Dictionary<string, object?> { ["n"] = 0.5 } }, cancellationToken: TestContext.Current.CancellationToken);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }

        Assert.Equal("method=update&arg0=1234.5&arg1=%7B%22n%22%3A0.5%7D", h.Body());
    }

    [Fact]
    public async Task Every_request_carries_pre_emptive_basic_auth_accept_json_and_a_user_agent()
    {
        using var h = new MaxemailHarness();
        h.Answer("tree", "[]");

        await h.Client.Tree.FetchRootAsync("list", TestContext.Current.CancellationToken);

        var request = Assert.Single(h.Requests);
        // The seed's example header for these credentials.
        Assert.Equal("Basic dGVzdEBleGFtcGxlLmNvbTp5b3VUaG91Z2h0SVdvdWxkSW5jbHVkZVJlYWxDcmVkZW50aWFscz8=", request.Headers!["Authorization"].Single());
        Assert.Equal("application/json", request.Headers["Accept"].Single());
        var agent = string.Join(" ", request.Headers["User-Agent"]);
        Assert.Matches(@"^MessagingClients/\d+\.\d+\.\d+", agent);
        Assert.Contains("maxemail", agent, StringComparison.Ordinal);
        Assert.Equal("method=fetchRoot&arg0=list", h.Body());
    }

    [Fact]
    public async Task Transactional_send_uses_the_documented_parameter_names_and_returns_the_key()
    {
        using var h = new MaxemailHarness();
        h.Answer("transactional", "\"k-123\"");

        var result = await h.Client.Transactional.SendAsync(new MaxemailTransactionalMessage
        {
            ToAddress = "to@example.com",
            FromAddress = "from@example.com",
            FromAlias = "Shop",
            Subject = "Your order",
            TextContent = "Thanks!",
            Options = new Dictionary<string, object?> { ["track"] = true },
        }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("k-123", result.Value);
        Assert.Equal(
            "method=send&toAddress=to%40example.com&fromAddress=from%40example.com&fromAlias=Shop&subject=Your+order&textContent=Thanks%21&options=%7B%22track%22%3Atrue%7D",
            h.Body());
    }

    [Fact]
    public async Task Every_attempt_sends_the_same_bytes()
    {
        using var h = new MaxemailHarness();
        h.Sequence("list", MaxemailHarness.Json("{\"success\":false,\"msg\":\"busy\"}", 503), MaxemailHarness.Json("[]"));

        var result = await h.RunAsync(() => h.Client.CallAsync("list", "insertRecipient", new object?[] { 3, new Dictionary<string, object?> { ["email_address"] = "x@example.com" } }));

        Assert.Equal(2, result.Attempts);
        Assert.Equal(h.Body(0), h.Body(1));
    }

    [Fact]
    public async Task Legacy_false_and_null_answers_are_results_not_errors()
    {
        using var h = new MaxemailHarness();
        h.Answer("recipient", "false");
        h.Answer("list", "null");
        h.Answer("email_send", "false");
        var ct = TestContext.Current.CancellationToken;

        var id = await h.Client.Recipients.FindByEmailAddressAsync("nobody@example.com", ct);
        var record = await h.Client.Lists.FetchRecipientAsync(1, 2, ct);
        var lists = await h.Client.Lists.FetchAllAsync(ct);
        var triggered = await h.Client.EmailSend.TriggerAsync(1, "a@example.com", cancellationToken: ct);
        var generic = await h.Client.CallAsync<MaxemailEmail>("recipient", "whatever", Array.Empty<object?>(), cancellationToken: ct);
        var flag = await h.Client.CallAsync<bool>("recipient", "whatever", Array.Empty<object?>(), cancellationToken: ct);

        Assert.Null(id.Value);
        Assert.Equal(JsonValueKind.False, id.Json.ValueKind);
        Assert.Null(record.Value);
        Assert.Empty(lists.Value);
        Assert.False(triggered.Value);
        Assert.Null(generic.Value);
        Assert.False(flag.Value);
    }

    [Fact]
    public async Task Typed_results_read_ids_sent_as_strings_and_php_keyed_arrays()
    {
        using var h = new MaxemailHarness();
        h.Answer("list", "{\"3\":{\"list_id\":\"3\",\"name\":\"News\",\"type\":\"include\",\"folder_id\":9,\"extra\":1},\"4\":{\"list_id\":4,\"name\":\"Offers\"}}");
        h.Answer("recipient", "[{\"list_id\":3,\"name\":\"News\",\"subscribed\":\"1\"},{\"list_id\":4,\"name\":\"Offers\",\"subscribed\":false}]");
        var ct = TestContext.Current.CancellationToken;

        var lists = await h.Client.Lists.FetchAllAsync(ct);
        var memberships = await h.Client.Recipients.FetchListsAsync(8, ct);

        Assert.Equal(new long[] { 3, 4 }, lists.Value.Select(l => l.ListId));
        Assert.Equal(9, lists.Value[0].FolderId);
        Assert.True(lists.Value[0].AdditionalData!.ContainsKey("extra"));
        Assert.Equal(new bool?[] { true, false }, memberships.Value.Select(m => m.Subscribed));
    }

    [Fact]
    public async Task Generic_typed_call_with_source_generated_metadata_and_a_mismatch_is_a_provider_error_that_says_not_to_repeat()
    {
        using var h = new MaxemailHarness();
        h.Answer("email_campaign", SeedInsertAnswer);
        h.Answer("recipient", "[1,2]");
        var ct = TestContext.Current.CancellationToken;

        var email = await h.Client.CallAsync("email_campaign", "insert", new object?[] { new Dictionary<string, object?> { ["name"] = "n" } }, TestJsonContext.Default.MaxemailEmail, cancellationToken: ct);
        var error = await Assert.ThrowsAsync<MessagingException>(() => h.Client.CallAsync<MaxemailEmail>("recipient", "update", new object?[] { 1 }, cancellationToken: ct));

        Assert.Equal(340, email.Value!.EmailId);
        Assert.Equal(MessagingErrorKind.ProviderError, error.Kind);
        Assert.False(error.IsTransient);
        Assert.Contains("do not repeat", error.Message, StringComparison.Ordinal);
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString)]
[System.Text.Json.Serialization.JsonSerializable(typeof(MaxemailEmail))]
internal sealed partial class TestJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
