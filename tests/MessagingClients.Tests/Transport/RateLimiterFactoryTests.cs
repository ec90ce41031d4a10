using System.Net;
using System.Threading.RateLimiting;
using MessagingClients.Tests.DependencyInjection;
using MessagingClients.Tests.Infrastructure;
using MessagingClients.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MessagingClients.Tests.Transport;

/// <summary>The extensibility point for a limiter other than the local bucket (a shared one, say).</summary>
public sealed class RateLimiterFactoryTests
{
    [Fact]
    public async Task A_factory_on_the_options_makes_the_limiter_and_hears_every_answer()
    {
        var factory = new RecordingFactory();
        var (transport, handler, time) = TransportFactory.Create(o =>
        {
            o.RateLimit.PermitsPerSecond = 20;
            o.RateLimit.Burst = 30;
            o.RateLimiterFactory = factory;
        });
        using var _ = transport;
        handler.Then(HttpStatusCode.TooManyRequests).Then(HttpStatusCode.OK, "ok");

        await time.RunAsync(() => transport.SendAsync(new TestCall(), null, CancellationToken.None));

        var limiter = Assert.Single(factory.Created);
        Assert.Same(limiter, transport.RateLimiter);
        Assert.Equal("test", factory.ProviderName);
        Assert.Equal(20, factory.Options!.PermitsPerSecond);
        Assert.Same(time, factory.Time);
        Assert.Equal(2, limiter.Acquired);
        Assert.Equal(1, limiter.Throttled);
        Assert.Equal(1, limiter.Successes);
        transport.Dispose();
        Assert.True(limiter.Disposed);
    }

    [Fact]
    public async Task A_refusal_with_a_reason_becomes_a_throttled_exception_with_that_reason_and_nothing_is_sent()
    {
        var factory = new RecordingFactory { RefuseWith = "The shared rate limiter is unreachable" };
        var (transport, handler, time) = TransportFactory.Create(o => o.RateLimiterFactory = factory);
        using var _ = transport;

        var error = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => transport.SendAsync(new TestCall(), null, CancellationToken.None)));

        Assert.Equal(MessagingErrorKind.Throttled, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal(0, error.Attempts);
        Assert.StartsWith("The shared rate limiter is unreachable, so the call was not sent", error.Description, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void Without_a_factory_the_transport_keeps_the_local_bucket()
    {
        var (transport, _, _) = TransportFactory.Create();
        using var _1 = transport;

        Assert.IsType<AdaptiveTokenBucketRateLimiter>(transport.RateLimiter);
    }

    [Fact]
    public void A_factory_registered_in_DI_is_used_and_one_on_the_options_wins()
    {
        var registered = new RecordingFactory();
        var onOptions = new RecordingFactory();

        using (var sp = Provider(registered, null))
        {
            var limiter = sp.GetRequiredKeyedService<ProviderTransport>("alpha").RateLimiter;
            Assert.Same(registered.Created.Single(), limiter);
            Assert.Equal("alpha", registered.ProviderName);
        }

        using (var sp = Provider(registered, onOptions))
        {
            var limiter = sp.GetRequiredKeyedService<ProviderTransport>("alpha").RateLimiter;
            Assert.Same(onOptions.Created.Single(), limiter);
            Assert.Single(registered.Created);
        }

        static ServiceProvider Provider(IRateLimiterFactory registered, IRateLimiterFactory? onOptions)
        {
            var services = new ServiceCollection();
            services.AddSingleton(registered);
            services.AddMessagingClients(b => b.AddTest("alpha", "Alpha", o =>
            {
                o.ApiKey = "a";
                o.RateLimiterFactory = onOptions;
            }));
            return services.BuildServiceProvider();
        }
    }

    [Fact]
    public async Task CreateTokenBucket_gives_the_local_bucket_and_validates_its_settings()
    {
        var time = new FakeTimeProvider();
        using var limiter = AdaptiveRateLimiter.CreateTokenBucket(new RateLimitOptions { PermitsPerSecond = 2, Burst = 2 }, time);

        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True((await limiter.AcquireAsync(1, TestContext.Current.CancellationToken)).IsAcquired);

        double? lowered = null;
        limiter.RateLowered += rate => lowered = rate;
        limiter.OnThrottled();
        Assert.Equal(1.6, lowered!.Value, 6);
        Assert.Equal(1.6, limiter.CurrentPermitsPerSecond, 6);
        Assert.Equal(2, limiter.MaxPermitsPerSecond);

        var error = Assert.Throws<ArgumentException>(() => AdaptiveRateLimiter.CreateTokenBucket(new RateLimitOptions { PermitsPerSecond = 10, Burst = 5 }));
        Assert.Equal("options", error.ParamName);
        Assert.Contains("RateLimit:Burst (5) must be at least PermitsPerSecond (10).", error.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingFactory : IRateLimiterFactory
    {
        public List<RecordingLimiter> Created { get; } = new();

        public string? ProviderName { get; private set; }

        public RateLimitOptions? Options { get; private set; }

        public TimeProvider? Time { get; private set; }

        public string? RefuseWith { get; init; }

        public AdaptiveRateLimiter Create(string providerName, RateLimitOptions options, TimeProvider timeProvider)
        {
            ProviderName = providerName;
            Options = options;
            Time = timeProvider;
            var limiter = new RecordingLimiter(options.PermitsPerSecond, RefuseWith);
            Created.Add(limiter);
            return limiter;
        }
    }

    private sealed class RecordingLimiter : AdaptiveRateLimiter
    {
        private readonly string? _refuseWith;

        public RecordingLimiter(double rate, string? refuseWith)
        {
            MaxPermitsPerSecond = rate;
            _refuseWith = refuseWith;
        }

        public int Acquired { get; private set; }

        public int Throttled { get; private set; }

        public int Successes { get; private set; }

        public bool Disposed { get; private set; }

        public override double MaxPermitsPerSecond { get; }

        public override double CurrentPermitsPerSecond => MaxPermitsPerSecond;

        public override TimeSpan? IdleDuration => null;

        public override void OnThrottled() => Throttled++;

        public override void OnSuccess() => Successes++;

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease(permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            new(Lease(permitCount));

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }

        private RateLimitLease Lease(int permitCount)
        {
            if (_refuseWith is not null)
            {
                return new RefusedLease(_refuseWith);
            }

            Acquired += permitCount;
            return new GrantedLease();
        }
    }

    private sealed class GrantedLease : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private sealed class RefusedLease(string reason) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.ReasonPhrase.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.ReasonPhrase.Name ? reason : null;
            return metadata is not null;
        }
    }
}
