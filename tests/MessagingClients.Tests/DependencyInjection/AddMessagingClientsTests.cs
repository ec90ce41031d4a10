using MessagingClients.Maxemail;
using MessagingClients.MaxMd;
using MessagingClients.Mms;
using MessagingClients.Tests.Infrastructure;
using MessagingClients.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MessagingClients.Tests.DependencyInjection;

public sealed class AddMessagingClientsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();

    [Fact]
    public void Each_provider_gets_its_own_transport_client_and_keyed_sender()
    {
        var services = new ServiceCollection();
        services.AddMessagingClients(b => b.AddTest("alpha", "Alpha", o => o.ApiKey = "a").AddOtherTest("beta", "Beta", o => o.ApiKey = "b"));
        using var sp = services.BuildServiceProvider();

        var alpha = sp.GetRequiredKeyedService<ProviderTransport>("alpha");
        var beta = sp.GetRequiredKeyedService<ProviderTransport>("beta");

        Assert.NotSame(alpha, beta);
        Assert.Same(alpha, sp.GetRequiredKeyedService<ProviderTransport>("alpha"));
        Assert.Equal(["alpha", "beta"], sp.GetServices<IMessageSender>().Select(s => s.ProviderName).Order());
        Assert.Equal("beta", sp.GetRequiredKeyedService<IMessageSender>("beta").ProviderName);
    }

    [Fact]
    public void Defaults_are_merged_under_each_providers_own_section_and_code_wins_last()
    {
        var configuration = Config(
            ("Messaging:Defaults:RateLimit:PermitsPerSecond", "50"),
            ("Messaging:Defaults:RateLimit:Burst", "80"),
            ("Messaging:Defaults:Retry:MaxRetries", "5"),
            ("Messaging:Alpha:ApiKey", "from-config"),
            ("Messaging:Alpha:RateLimit:PermitsPerSecond", "20"));
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"), b => b.AddTest("alpha", "Alpha", o => o.Retry.MaxRetries = 1));
        using var sp = services.BuildServiceProvider();

        var options = sp.GetRequiredService<IOptions<TestClientOptions>>().Value;

        Assert.Equal(20, options.RateLimit.PermitsPerSecond);
        Assert.Equal(80, options.RateLimit.Burst);
        Assert.Equal(1, options.Retry.MaxRetries);
        Assert.Equal("from-config", options.ApiKey);
    }

    [Fact]
    public void Invalid_options_fail_at_start_with_messages_naming_the_settings()
    {
        var configuration = Config(("Messaging:Alpha:RateLimit:Burst", "10"));
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"), b => b.AddTest("alpha", "Alpha"));
        using var sp = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Messaging:Alpha:RateLimit:Burst (10) must be at least PermitsPerSecond (100).", error.Message, StringComparison.Ordinal);
        Assert.Contains("Messaging:Alpha:ApiKey is required.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_through_di_uses_the_named_http_client_and_the_shared_idempotency_store()
    {
        var handler = new ScriptedHandler(TimeProvider.System);
        var services = new ServiceCollection();
        services.AddMessagingClients(b => b.AddTest("alpha", "Alpha", o => o.ApiKey = "a", handler));
        using var sp = services.BuildServiceProvider();
        var sender = sp.GetRequiredKeyedService<IMessageSender>("alpha");

        var first = await sender.SendAsync(new OutgoingMessage { To = { "x@y.example" }, IdempotencyKey = "once" }, TestContext.Current.CancellationToken);
        var second = await sender.SendAsync(new OutgoingMessage { To = { "x@y.example" }, IdempotencyKey = "once" }, TestContext.Current.CancellationToken);

        Assert.Single(handler.Requests);
        Assert.False(first.IsReplay);
        Assert.True(second.IsReplay);
        Assert.Same(sp.GetRequiredService<IIdempotencyStore>(), sp.GetRequiredService<TestClient>().Core.Store);
    }

    [Fact]
    public void The_configuration_overload_registers_every_provider_section_present()
    {
        var configuration = Config(
            ("Messaging:MaxMd:Username", "sender@direct.example.org"),
            ("Messaging:MaxMd:Password", "pw-maxmd"),
            ("Messaging:Maxemail:Username", "api-user"),
            ("Messaging:Maxemail:Password", "pw-maxemail"),
            ("Messaging:Mms:ApiKey", "key-mms"),
            ("Messaging:Mms:RateLimit:PermitsPerSecond", "20"));
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"));
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<IStartupValidator>().Validate();

        Assert.NotNull(sp.GetRequiredService<MaxMdClient>());
        Assert.NotNull(sp.GetRequiredService<MaxemailClient>());
        Assert.NotNull(sp.GetRequiredService<MmsClient>());
        Assert.Equal(["maxemail", "maxmd", "mms"], sp.GetServices<IMessageSender>().Select(s => s.ProviderName).Order());
        Assert.Equal(20, sp.GetRequiredKeyedService<ProviderTransport>("mms").RateLimiter!.MaxPermitsPerSecond);
        Assert.Equal(100, sp.GetRequiredKeyedService<ProviderTransport>("maxmd").RateLimiter!.MaxPermitsPerSecond);
    }

    [Fact]
    public void Only_sections_present_are_registered()
    {
        var services = new ServiceCollection();
        services.AddMessagingClients(Config(("Messaging:Mms:ApiKey", "k")).GetSection("Messaging"));
        using var sp = services.BuildServiceProvider();

        Assert.Equal(["mms"], sp.GetServices<IMessageSender>().Select(s => s.ProviderName));
    }
}
