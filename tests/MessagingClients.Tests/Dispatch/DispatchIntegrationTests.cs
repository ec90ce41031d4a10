using MessagingClients.Dispatch;
using MessagingClients.MaxMd;
using MessagingClients.Tests.MaxMd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.Matchers;
using WireMock.RequestBuilders;

namespace MessagingClients.Tests.Dispatch;

public sealed class DispatchIntegrationTests
{
    [Fact]
    public async Task Through_a_real_MaxMd_client_receipts_and_a_dead_letter_then_replay_sends_nothing_twice()
    {
        using var h = new MaxMdHarness();
        h.Server.Given(Request.Create().WithPath(MaxMdHarness.BasePath + "Send").UsingPut().WithBody(new RegexMatcher("refused@")))
            .AtPriority(1)
            .RespondWith(MaxMdHarness.Json("{\"message\":\"Invalid recipient\",\"code\":2,\"success\":false}"));
        h.Server.Given(Request.Create().WithPath(MaxMdHarness.BasePath + "Send").UsingPut())
            .AtPriority(5)
            .RespondWith(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));
        var store = new InMemoryDeadLetterStore();
        var dispatcher = new MessageDispatcher(h.Client, new DispatcherOptions { Workers = 2, TimeProvider = h.Time }, store);
        var messages = Enumerable.Range(0, 4).Select(i => Messages.To("ok-" + i, $"dr{i}@direct.hospital.example"))
            .Append(Messages.To("bad", "refused@direct.hospital.example"));

        var tickets = await dispatcher.EnqueueManyAsync(messages, TestContext.Current.CancellationToken);
        var summary = await h.Time.RunAsync(() => dispatcher.StopAsync(Timeout.InfiniteTimeSpan));
        var results = await Messages.AllResults(tickets);

        Assert.Equal(4, summary.Sent);
        Assert.Equal(1, summary.Failed);
        Assert.All(results.Take(4), r => Assert.Equal(MaxMdHarness.SmtpId, r.Receipt!.ProviderMessageId));
        var letter = Assert.Single(await store.ListAsync("maxmd", TestContext.Current.CancellationToken));
        Assert.Equal("bad", letter.IdempotencyKey);
        Assert.Equal(MessagingErrorKind.RecipientRejected, letter.ErrorKind);
        Assert.Equal("2", letter.ProviderCode);
        Assert.Equal(200, letter.HttpStatus);
        Assert.Equal(1, letter.Attempts);
        Assert.DoesNotContain(MaxMdHarness.Password, letter.Error, StringComparison.Ordinal);
        Assert.Equal(5, h.Server.LogEntries.Count);
        Assert.Equal(
            tickets.Select(t => t.IdempotencyKey).ToHashSet(),
            h.Recorder.Requests.Select(r => r.Headers["Idempotency-Key"]).ToHashSet());

        // A message that did go out, with a dead letter anyway (cancelled at shutdown after reaching MaxMD, say): replay must not resend it.
        await h.Run(c => c.SendAsync(Messages.To("went-out")));
        await store.AddAsync(letter with { IdempotencyKey = "went-out", Message = Messages.To("went-out"), Reason = DeadLetterReason.Shutdown }, TestContext.Current.CancellationToken);
        var replay = await h.Time.RunAsync(() => dispatcher.ReplayAsync());

        Assert.Equal(2, replay.Attempted);
        Assert.Equal(1, replay.AlreadySent);
        Assert.Equal(1, replay.StillFailed);
        Assert.Equal(7, h.Server.LogEntries.Count); // 5 dispatched + 1 direct send + the refused one again; "went-out" not resent
        Assert.Equal("bad", Assert.Single(await store.ListAsync("maxmd", TestContext.Current.CancellationToken)).IdempotencyKey);
        await dispatcher.DisposeAsync();
    }

    [Fact]
    public async Task AddDispatcher_gives_one_dispatcher_per_provider_by_factory_and_by_key()
    {
        using var folder = new TempFolder();
        var services = new ServiceCollection();
        services.AddMessagingClients(b => b
            .AddMaxMd(o =>
            {
                o.Endpoint = new Uri("https://maxmd.example/message-rest/api/message/");
                o.Username = MaxMdHarness.Username;
                o.Password = MaxMdHarness.Password;
            })
            .AddDispatcher(o => o.DeadLetterPath = folder.File("dead.jsonl"))
            .AddDispatcher(o => o.Workers = 3));
        MessageDispatcher dispatcher;
        await using (var provider = services.BuildServiceProvider())
        {
            var factory = provider.GetRequiredService<IMessageDispatcherFactory>();
            dispatcher = factory.GetDispatcher("maxmd");

            Assert.Same(dispatcher, factory.GetDispatcher("maxmd"));
            Assert.Same(dispatcher, provider.GetRequiredKeyedService<MessageDispatcher>("maxmd"));
            Assert.Equal("maxmd", dispatcher.ProviderName);
            Assert.IsType<JsonLinesDeadLetterStore>(dispatcher.DeadLetters);
            Assert.Same(provider.GetRequiredService<IDeadLetterStore>(), dispatcher.DeadLetters);
            Assert.Equal(3, provider.GetRequiredService<IOptions<DispatcherOptions>>().Value.Workers);
            var error = Assert.Throws<InvalidOperationException>(() => factory.GetDispatcher("mms"));
            Assert.Contains("'mms'", error.Message, StringComparison.Ordinal);
            Assert.True(dispatcher.IsAccepting);
        }

        Assert.False(dispatcher.IsAccepting); // stopped with the container
    }

    [Fact]
    public void AddDispatcher_binds_Messaging_Dispatch_and_validates_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Dispatch:Capacity"] = "50",
            ["Messaging:Dispatch:Workers"] = "0",
            ["Messaging:Dispatch:ProgressInterval"] = "00:00:02",
        }).Build();
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"), b => b.AddDispatcher());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DispatcherOptions>>().Value);
        Assert.Contains("Messaging:Dispatch:Workers must be at least 1", error.Message, StringComparison.Ordinal);

        var ok = new ServiceCollection();
        ok.AddMessagingClients(configuration.GetSection("Messaging"), b => b.AddDispatcher(o => o.Workers = 2));
        using var okProvider = ok.BuildServiceProvider();
        var options = okProvider.GetRequiredService<IOptions<DispatcherOptions>>().Value;
        Assert.Equal(50, options.Capacity);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ProgressInterval);
        Assert.Contains("mms", options.SingleRecipientProviders);
        Assert.IsType<InMemoryDeadLetterStore>(okProvider.GetRequiredService<IDeadLetterStore>());
    }
}
