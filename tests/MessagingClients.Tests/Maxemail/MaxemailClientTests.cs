using MessagingClients.Maxemail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingClients.Tests.Maxemail;

public sealed class MaxemailClientTests
{
    private static OutgoingMessage Message(params string[] to)
    {
        var message = new OutgoingMessage { From = "Shop <shop@example.com>", Subject = "Your order", Html = "<p>Thanks</p>", Text = "Thanks" };
        foreach (var address in to)
        {
            message.To.Add(address);
        }

        return message;
    }

    [Fact]
    public async Task SendAsync_sends_one_transactional_email_and_returns_the_key_as_provider_message_id()
    {
        using var h = new MaxemailHarness();
        h.Answer("transactional", "\"tx-1\"");

        var receipt = await h.Client.SendAsync(Message("to@example.com"), TestContext.Current.CancellationToken);

        Assert.Equal("maxemail", receipt.ProviderName);
        Assert.Equal("tx-1", receipt.ProviderMessageId);
        Assert.Equal(1, receipt.Attempts);
        Assert.False(receipt.IsReplay);
        Assert.Equal(
            "method=send&toAddress=to%40example.com&fromAddress=shop%40example.com&fromAlias=Shop&subject=Your+order&htmlContent=%3Cp%3EThanks%3C%2Fp%3E&textContent=Thanks",
            h.Body());
        Assert.Equal(receipt.IdempotencyKey, h.Requests[0].Headers!["Idempotency-Key"].Single());
    }

    [Fact]
    public async Task SendAsync_with_a_completed_idempotency_key_replays_without_sending()
    {
        using var h = new MaxemailHarness();
        h.Answer("transactional", "\"tx-1\"");
        var message = Message("to@example.com");
        message.IdempotencyKey = "order-42";

        await h.Client.SendAsync(message, TestContext.Current.CancellationToken);
        var again = await h.Client.SendAsync(message, TestContext.Current.CancellationToken);

        Assert.True(again.IsReplay);
        Assert.Equal("tx-1", again.ProviderMessageId);
        Assert.Single(h.Requests);
    }

    [Fact]
    public async Task SendAsync_is_not_retried_after_a_500()
    {
        using var h = new MaxemailHarness();
        h.Answer("transactional", "{\"success\":false,\"msg\":\"oops\"}", 500);

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.SendAsync(Message("to@example.com"))));

        Assert.Equal(1, error.Attempts);
        Assert.Single(h.Requests);
    }

    [Fact]
    public async Task SendAsync_rejects_more_than_one_recipient_naming_To_before_sending()
    {
        using var h = new MaxemailHarness();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.SendAsync(Message("a@example.com", "b@example.com"), TestContext.Current.CancellationToken));

        Assert.Equal("To", error.ParamName);
        Assert.Contains("one recipient per call", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Requests);
    }

    [Theory]
    [InlineData("To")]
    [InlineData("From")]
    [InlineData("Subject")]
    [InlineData("Text")]
    [InlineData("Attachments")]
    public async Task SendAsync_names_the_invalid_field(string field)
    {
        using var h = new MaxemailHarness();
        var message = Message("to@example.com");
        switch (field)
        {
            case "To": message.To[0] = "not-an-address"; break;
            case "From": message.From = "nobody"; break;
            case "Subject": message.Subject = " "; break;
            case "Text": message.Text = null; message.Html = null; break;
            case "Attachments": message.Attachments.Add(MessageAttachment.FromBytes("a.txt", "text/plain", new byte[] { 1 })); break;
        }

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => h.Client.SendAsync(message, TestContext.Current.CancellationToken));

        Assert.Equal(field, error.ParamName);
        Assert.Empty(h.Requests);
    }

    [Fact]
    public async Task SendAsync_uses_DefaultFrom_when_From_is_null()
    {
        using var h = new MaxemailHarness(o => o.DefaultFrom = "news@example.com");
        h.Answer("transactional", "\"k\"");
        var message = Message("to@example.com");
        message.From = null;

        await h.Client.SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Contains("fromAddress=news%40example.com&subject=", h.Body(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "find", "service")]
    [InlineData("recipient/../x", "find", "service")]
    [InlineData("recipient", "", "method")]
    [InlineData("recipient", "find by", "method")]
    [InlineData("recipient", "find&x=1", "method")]
    public async Task Generic_calls_validate_service_and_method_names(string service, string method, string paramName)
    {
        using var h = new MaxemailHarness();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.CallAsync(service, method, Array.Empty<object?>(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(paramName, error.ParamName);
        Assert.Empty(h.Requests);
    }

    [Theory]
    [InlineData("method")]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("data[x]")]
    public async Task Named_parameters_must_be_well_formed(string name)
    {
        using var h = new MaxemailHarness();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.CallAsync("recipient", "find", new Dictionary<string, object?> { [name] = 1 }, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("parameters", error.ParamName);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("a@b")]
    [InlineData("a b@example.com")]
    [InlineData("a@@example.com")]
    [InlineData("")]
    public async Task Typed_calls_validate_email_addresses(string address)
    {
        using var h = new MaxemailHarness();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => h.Client.Recipients.FindByEmailAddressAsync(address, TestContext.Current.CancellationToken));
        var trigger = await Assert.ThrowsAnyAsync<ArgumentException>(() => h.Client.EmailSend.TriggerAsync(1, address, cancellationToken: TestContext.Current.CancellationToken));
        var insert = await Assert.ThrowsAnyAsync<ArgumentException>(() => h.Client.Lists.InsertRecipientAsync(1, new Dictionary<string, object?> { ["email_address"] = address }, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("emailAddress", error.ParamName);
        Assert.Equal("emailAddress", trigger.ParamName);
        Assert.Equal("data", insert.ParamName);
        Assert.Empty(h.Requests);
    }

    [Fact]
    public void Options_are_validated_with_messages_naming_the_setting_and_never_print_the_password()
    {
        var options = new MaxemailClientOptions { Username = "u@example.com", Password = null, Endpoint = new Uri("ftp://example.com/") };

        var error = Assert.Throws<ArgumentException>(() => new MaxemailClient(options));

        Assert.Contains("Messaging:Maxemail:Password is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Messaging:Maxemail:Endpoint must be an absolute http or https URL", error.Message, StringComparison.Ordinal);
        options.Password = "s3cret-value";
        Assert.DoesNotContain("s3cret-value", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("Password = ***", options.ToString(), StringComparison.Ordinal);
        Assert.Equal(new Uri("https://mxm.xtremepush.com/"), new MaxemailClientOptions().Endpoint);
    }

    [Fact]
    public async Task Dependency_injection_binds_the_Maxemail_section_and_registers_the_client_and_keyed_sender()
    {
        using var h = new MaxemailHarness();
        h.Answer("recipient", "12345");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Maxemail:Endpoint"] = h.Server.Url + "/base/",
            ["Messaging:Maxemail:Username"] = "di@example.com",
            ["Messaging:Maxemail:Password"] = "pw",
            ["Messaging:Maxemail:RetryNonIdempotentCalls"] = "true",
        }).Build();
        var deprecations = 0;
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"), b => b.AddMaxemail(o => o.OnDeprecation = _ => deprecations++));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<MaxemailClient>();
        var sender = provider.GetRequiredKeyedService<IMessageSender>("maxemail");
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<MaxemailClientOptions>>().Value;

        Assert.Same(client, sender);
        Assert.True(options.RetryNonIdempotentCalls);
        Assert.NotNull(options.OnDeprecation);
        h.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/base/api/json/recipient").UsingPost()).RespondWith(MaxemailHarness.Json("7"));
        var id = await client.Recipients.FindByEmailAddressAsync("x@example.com", TestContext.Current.CancellationToken);
        Assert.Equal(7, id.Value);
        Assert.Equal("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("di@example.com:pw")), h.Requests.Single().Headers!["Authorization"].Single());
    }

    [Fact]
    public void Dependency_injection_fails_at_start_when_credentials_are_missing()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Maxemail:Username"] = "di@example.com",
        }).Build();
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<MaxemailClient>());

        Assert.Contains("Messaging:Maxemail:Password is required.", error.Message, StringComparison.Ordinal);
    }
}
