using MessagingClients.IntegrationTests.Infrastructure;
using MessagingClients.Maxemail;
using MessagingClients.MaxMd;
using MessagingClients.Mms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingClients.IntegrationTests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddMessagingClients_from_configuration_sends_through_all_three_providers()
    {
        await using var sim = await Sim.StartAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Messaging:Defaults:Retry:BaseDelay"] = "00:00:00.010",
                ["Messaging:Defaults:Retry:JitterRatio"] = "0",
            })
            .AddProviderSimulator(sim)
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddMessagingClients(configuration.GetSection("Messaging"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        sim.MaxMd.Faults.Next(Testing.SimulatedFault.ServiceUnavailable(TimeSpan.Zero));
        sim.Mms.Faults.Next(Testing.SimulatedFault.E113());

        var maxmd = await provider.GetRequiredKeyedService<IMessageSender>("maxmd").SendAsync(Sim.Direct(1), Sim.Token);
        var maxemail = await provider.GetRequiredKeyedService<IMessageSender>("maxemail").SendAsync(Sim.Email(1), Sim.Token);
        var mms = await provider.GetRequiredKeyedService<IMessageSender>("mms").SendAsync(Sim.Sms(1), Sim.Token);

        Assert.Equal(2, maxmd.Attempts);
        Assert.Equal(1, maxemail.Attempts);
        Assert.Equal(2, mms.Attempts);
        Assert.Equal(new[] { "maxemail", "maxmd", "mms" }, provider.GetServices<IMessageSender>().Select(s => s.ProviderName).Order());
        Assert.NotNull(provider.GetRequiredService<MaxMdClient>());
        Assert.NotNull(provider.GetRequiredService<MaxemailClient>());
        Assert.NotNull(provider.GetRequiredService<MmsClient>());
        Assert.All(sim.Providers, p => Assert.Single(p.AcceptedSends));
    }

    [Fact]
    public async Task Same_idempotency_key_through_DI_is_replayed_not_resent()
    {
        await using var sim = await Sim.StartAsync();
        var configuration = new ConfigurationBuilder().AddProviderSimulator(sim).Build();
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"));
        await using var provider = services.BuildServiceProvider();
        var sender = provider.GetRequiredKeyedService<IMessageSender>("mms");

        var first = await sender.SendAsync(Sim.Sms(1, key: "order-1"), Sim.Token);
        var again = await sender.SendAsync(Sim.Sms(1, key: "order-1"), Sim.Token);

        Assert.False(first.IsReplay);
        Assert.True(again.IsReplay);
        Assert.Equal(first.ProviderMessageId, again.ProviderMessageId);
        Assert.Single(sim.Mms.Requests);
    }
}
