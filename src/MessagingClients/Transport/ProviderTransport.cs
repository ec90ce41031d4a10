using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using MessagingClients.Internal;
using MessagingClients.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace MessagingClients.Transport;

/// <summary>
/// Sends one logical operation of one provider through the resilience pipeline, outermost first:
/// total timeout → retry → circuit breaker → rate limiter → attempt timeout → <see cref="HttpClient"/>.
/// The pipeline decides on decoded <see cref="ProviderOutcome"/>s, because two providers report failure inside HTTP 200.
/// Knows no provider: every provider rule comes from the <see cref="ProviderCall{TResult}"/>.
/// </summary>
internal sealed class ProviderTransport : IDisposable
{
    /// <summary>The header that carries the idempotency key on every attempt of a send.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly ResiliencePropertyKey<OperationState> StateKey = new("MessagingClients.OperationState");

    private readonly Func<HttpClient> _httpClient;
    private readonly MessagingClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RetryDelayPolicy _delays;
    private readonly AdaptiveRateLimiter? _limiter;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly ResiliencePipeline<ProviderOutcome> _pipeline;
    private readonly IDisposable? _ownedHttpClient;
    private readonly IDisposable? _limiterRegistration;

    /// <param name="providerName">The provider's short name, used in errors, logs and telemetry.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="httpClient">Gives the client for one attempt (from <c>IHttpClientFactory</c>, or a long-lived one).</param>
    /// <param name="loggerFactory">Logging; nothing when null.</param>
    /// <param name="random">The jitter source; a thread-safe random when null.</param>
    /// <param name="ownedHttpClient">A client the transport disposes with itself.</param>
    /// <param name="rateLimiterFactory">Makes the rate limiter when the options set none; the local token bucket when both are null.</param>
    public ProviderTransport(
        string providerName,
        MessagingClientOptions options,
        Func<HttpClient> httpClient,
        ILoggerFactory? loggerFactory = null,
        Func<double>? random = null,
        IDisposable? ownedHttpClient = null,
        IRateLimiterFactory? rateLimiterFactory = null)
    {
        ProviderName = providerName ?? throw new ArgumentNullException(nameof(providerName));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _httpClient = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
        _ownedHttpClient = ownedHttpClient;
        _time = options.TimeProvider;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("MessagingClients.Transport");
        _delays = new RetryDelayPolicy(options.Retry, random ?? ThreadSafeRandom.NextDouble);
        if (options.RateLimit.Enabled)
        {
            var factory = options.RateLimiterFactory ?? rateLimiterFactory;
            _limiter = factory is null
                ? new AdaptiveTokenBucketRateLimiter(options.RateLimit, _time)
                : factory.Create(ProviderName, options.RateLimit, _time)
                    ?? throw new InvalidOperationException($"{factory.GetType().Name}.Create returned no rate limiter for {ProviderName}.");
            _limiter.RateLowered += rate =>
            {
                if (_logger.IsEnabled(LogLevel.Warning))
                {
                    TransportLog.RateLowered(_logger, ProviderName, rate);
                }
            };
            _limiterRegistration = RateLimiterRegistry.Register(ProviderName, _limiter);
        }

        _pipeline = BuildPipeline(loggerFactory);
    }

    public string ProviderName { get; }

    public MessagingClientOptions Options => _options;

    /// <summary>The rate limiter, when enabled; its <c>CurrentPermitsPerSecond</c> shows the adaptive rate.</summary>
    public AdaptiveRateLimiter? RateLimiter => _limiter;

    /// <summary>The circuit breaker's state (Closed, Open, HalfOpen, Isolated).</summary>
    public CircuitState CircuitState => _circuit.CircuitState;

    /// <summary>Runs the operation through the pipeline and returns its decoded value, or throws a <see cref="MessagingException"/>.</summary>
    public async Task<TransportResult<T>> SendAsync<T>(ProviderCall<T> call, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (call is null)
        {
            throw new ArgumentNullException(nameof(call));
        }

        var state = new OperationState(call.Operation, call.IsIdempotent, _time.GetTimestamp())
        {
            AttemptTimeoutClassifier = () => call.ClassifyAttemptTimeout(_options.Timeouts.Attempt),
            IdempotencyKey = idempotencyKey,
            CallerToken = cancellationToken,
        };
        using var activity = MessagingTelemetry.ActivitySource.StartActivity(ProviderName + " " + call.Operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(MessagingTelemetry.ProviderTag, ProviderName);
            activity.SetTag(MessagingTelemetry.OperationTag, call.Operation);
            if (idempotencyKey is not null)
            {
                activity.SetTag(MessagingTelemetry.IdempotencyKeyTag, idempotencyKey);
            }
        }

        if (_options.Logging.LogRequestBodies && _logger.IsEnabled(LogLevel.Trace))
        {
            LogRequestBody(call);
        }

        var context = ResilienceContextPool.Shared.Get(call.Operation, cancellationToken);
        context.Properties.Set(StateKey, state);
        string outcomeKind = MessagingTelemetry.SuccessOutcome;
        MessagingException? failed = null;
        try
        {
            ProviderOutcome outcome;
            try
            {
                outcome = await _pipeline.ExecuteAsync(
                    static (ctx, s) => s.Transport.AttemptAsync(s.Call, s.State, ctx),
                    context,
                    (Transport: this, Call: call, State: state)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                outcomeKind = MessagingTelemetry.CancelledOutcome;
                throw;
            }
            catch (Exception ex) when (ex is TimeoutRejectedException or BrokenCircuitException or RateLimiterRejectedException)
            {
                var error = failed = ExceptionFor(state, ex);
                outcomeKind = error.Kind.ToString();
                throw error;
            }

            if (outcome.Failure is { } failure)
            {
                var error = failed = ExceptionFor(state, failure);
                outcomeKind = error.Kind.ToString();
                throw error;
            }

            var elapsed = _time.GetElapsedTime(state.StartTimestamp);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                TransportLog.OperationSucceeded(_logger, ProviderName, call.Operation, state.Attempts, elapsed.TotalMilliseconds);
            }

            return new TransportResult<T>((T)outcome.Value!, state.Attempts, elapsed);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            if (activity is not null)
            {
                activity.SetTag(MessagingTelemetry.AttemptsTag, state.Attempts);
                activity.SetTag(MessagingTelemetry.OutcomeTag, outcomeKind);
                if (outcomeKind != MessagingTelemetry.SuccessOutcome)
                {
                    activity.SetTag(MessagingTelemetry.ErrorTypeTag, outcomeKind);
                    activity.SetStatus(ActivityStatusCode.Error, outcomeKind);
                    if (failed is not null)
                    {
                        activity.SetTag(MessagingTelemetry.ProviderCodeTag, failed.ProviderCode);
                        activity.SetTag(MessagingTelemetry.HttpStatusTag, failed.HttpStatus);
                    }
                }
            }

            var tags = new TagList
            {
                { MessagingTelemetry.ProviderTag, ProviderName },
                { MessagingTelemetry.OperationTag, call.Operation },
                { MessagingTelemetry.OutcomeTag, outcomeKind },
            };
            if (outcomeKind != MessagingTelemetry.SuccessOutcome)
            {
                tags.Add(MessagingTelemetry.ErrorTypeTag, outcomeKind);
            }

            MessagingTelemetry.Operations.Add(1, tags);
            MessagingTelemetry.OperationDuration.Record(_time.GetElapsedTime(state.StartTimestamp).TotalSeconds, tags);
        }
    }

    public void Dispose()
    {
        _limiterRegistration?.Dispose();
        _limiter?.Dispose();
        _ownedHttpClient?.Dispose();
    }

    private async ValueTask<ProviderOutcome> AttemptAsync<T>(ProviderCall<T> call, OperationState state, ResilienceContext context)
    {
        state.Attempts++;
        var attempt = state.Attempts;
        using var activity = MessagingTelemetry.ActivitySource.StartActivity(ProviderName + " " + call.Operation + " attempt", ActivityKind.Internal);
        var token = context.CancellationToken;
        using var request = call.CreateRequest();
        if (state.IdempotencyKey is { } key && !request.Headers.Contains(IdempotencyKeyHeader))
        {
            // The same key on every attempt: providers that honour it de-duplicate, the simulator detects duplicates with it.
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, key);
        }

        if (activity is not null)
        {
            TagAttempt(activity, request, attempt);
#if !NET8_0_OR_GREATER
            // .NET 8+'s HttpClient injects W3C trace context itself (under its own HTTP span); elsewhere do it here. Headers
            // already present are left alone, and HttpClient's own injection leaves ours alone, so it is never doubled.
            DistributedContextPropagator.Current.Inject(activity, request, static (carrier, name, value) =>
            {
                if (carrier is HttpRequestMessage message && name is not null && !message.Headers.Contains(name))
                {
                    message.Headers.TryAddWithoutValidation(name, value);
                }
            });
#endif
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var url = HttpLogFormatter.SafeUrl(request.RequestUri);
            TransportLog.Sending(_logger, ProviderName, call.Operation, attempt, request.Method.Method, url);
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                var headers = HttpLogFormatter.Headers(request.Headers, request.Content, _options.Logging.AllowedHeaders);
                TransportLog.RequestHeaders(_logger, ProviderName, call.Operation, attempt, headers);
            }
        }

        var started = _time.GetTimestamp();
        HttpResponseMessage? response = null;
        ProviderOutcome outcome;
        var keepResponse = false;
        try
        {
            response = await _httpClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            activity?.SetTag(MessagingTelemetry.HttpStatusTag, (int)response.StatusCode);
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                var headers = HttpLogFormatter.Headers(response.Headers, response.Content, _options.Logging.AllowedHeaders);
                TransportLog.ResponseHeaders(_logger, ProviderName, call.Operation, attempt, headers);
            }

            outcome = await DecodeAsync(call, response, token).ConfigureAwait(false);

            // A streamed result owns the response from here on; decided on this attempt's outcome, not an earlier one's.
            keepResponse = call.KeepsResponse && outcome.IsSuccess;
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var elapsedMs = _time.GetElapsedTime(started).TotalMilliseconds;
                var kind = outcome.Failure?.Kind.ToString() ?? MessagingTelemetry.SuccessOutcome;
                TransportLog.Answered(_logger, ProviderName, call.Operation, attempt, (int)response.StatusCode, elapsedMs, kind);
            }
        }
        catch (HttpRequestException ex) when (!token.IsCancellationRequested)
        {
            outcome = ProviderOutcome.Failed(call.ClassifyException(ex));
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var elapsedMs = _time.GetElapsedTime(started).TotalMilliseconds;
                var kind = outcome.Failure!.Kind.ToString();
                var description = BodyRedaction.Scrub(outcome.Failure.Description, call.Secrets) ?? string.Empty;
                TransportLog.NoAnswer(_logger, ProviderName, call.Operation, attempt, elapsedMs, kind, description);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !state.CallerToken.IsCancellationRequested)
        {
            // Cut short by the attempt or the total timeout; the pipeline classifies it, the span and the counter record it.
            const string timeoutKind = nameof(MessagingErrorKind.Timeout);
            if (activity is not null)
            {
                activity.SetTag(MessagingTelemetry.OutcomeTag, timeoutKind);
                activity.SetTag(MessagingTelemetry.ErrorTypeTag, timeoutKind);
                activity.SetStatus(ActivityStatusCode.Error, timeoutKind);
            }

            MessagingTelemetry.Attempts.Add(1, new TagList
            {
                { MessagingTelemetry.ProviderTag, ProviderName },
                { MessagingTelemetry.OperationTag, call.Operation },
                { MessagingTelemetry.OutcomeTag, timeoutKind },
                { MessagingTelemetry.ErrorTypeTag, timeoutKind },
            });
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var elapsedMs = _time.GetElapsedTime(started).TotalMilliseconds;
                TransportLog.NoAnswer(_logger, ProviderName, call.Operation, attempt, elapsedMs, timeoutKind, "the attempt was cut short by a timeout");
            }

            throw;
        }
        finally
        {
            if (response is not null && !keepResponse)
            {
                response.Dispose();
            }
        }

        if (outcome.Failure is { } classified && call.Secrets.Count > 0)
        {
            outcome = ProviderOutcome.Failed(classified with
            {
                Description = BodyRedaction.Scrub(classified.Description, call.Secrets)!,
                Advice = BodyRedaction.Scrub(classified.Advice, call.Secrets),
            });
        }

        RecordAttempt(call.Operation, outcome, activity);
        if (outcome.Failure is { } failure)
        {
            state.LastFailure = failure;
            if (failure.IsThrottling)
            {
                _limiter?.OnThrottled();
            }

            if (_options.Retry.MaxRetries > 0)
            {
                // Decide the retry while this attempt's span is open, so the span carries the delay before the next one.
                state.PlannedAttempt = attempt;
                state.PlannedRetry = PlanRetry(state, failure, attempt - 1);
                if (state.PlannedRetry && attempt <= _options.Retry.MaxRetries)
                {
                    activity?.SetTag(MessagingTelemetry.RetryDelayTag, state.NextDelay.TotalSeconds);
                }
            }
        }
        else
        {
            _limiter?.OnSuccess();
        }

        return outcome;
    }

    private void LogRequestBody<T>(ProviderCall<T> call)
    {
        var body = call.RedactedBodyForLog();
        if (body is not null)
        {
            body = HttpLogFormatter.Truncate(body, _options.Logging.MaxBodyLength);
            TransportLog.RequestBody(_logger, ProviderName, call.Operation, body);
        }
    }

    private static void TagAttempt(Activity activity, HttpRequestMessage request, int attempt)
    {
        activity.SetTag(MessagingTelemetry.AttemptTag, attempt);
        if (attempt > 1)
        {
            activity.SetTag(MessagingTelemetry.HttpResendCountTag, attempt - 1);
        }

        activity.SetTag(MessagingTelemetry.HttpMethodTag, request.Method.Method);
        if (request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            activity.SetTag(MessagingTelemetry.ServerAddressTag, uri.Host);
            activity.SetTag(MessagingTelemetry.ServerPortTag, uri.Port);
            activity.SetTag(MessagingTelemetry.UrlFullTag, HttpLogFormatter.SafeUrl(uri));
        }
    }

    private async ValueTask<ProviderOutcome> DecodeAsync<T>(ProviderCall<T> call, HttpResponseMessage response, CancellationToken token)
    {
        ProviderOutcome outcome;
        try
        {
            outcome = await call.DecodeAsync(response, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A codec must classify every answer; this is the net under it, so nothing escapes unclassified.
            outcome = ProviderOutcome.Failed(new ProviderFailure
            {
                Kind = MessagingErrorKind.ProviderError,
                Description = "The provider's answer could not be read: " + ex.Message,
                HttpStatus = (int)response.StatusCode,
                Exception = ex,
            });
        }

        if (outcome.Failure is { RetryAfter: null } failure && RetryAfterParser.Parse(response, _time) is { } retryAfter)
        {
            outcome = ProviderOutcome.Failed(failure with { RetryAfter = retryAfter });
        }

        // Keep the response alive only for a successful streamed result.
        if (outcome.Failure is not null && call.KeepsResponse)
        {
            response.Dispose();
        }

        return outcome;
    }

    private void RecordAttempt(string operation, ProviderOutcome outcome, Activity? activity)
    {
        var kind = outcome.Failure?.Kind.ToString() ?? MessagingTelemetry.SuccessOutcome;
        var tags = new TagList
        {
            { MessagingTelemetry.ProviderTag, ProviderName },
            { MessagingTelemetry.OperationTag, operation },
            { MessagingTelemetry.OutcomeTag, kind },
        };
        activity?.SetTag(MessagingTelemetry.OutcomeTag, kind);
        if (outcome.Failure is { } failure)
        {
            tags.Add(MessagingTelemetry.ErrorTypeTag, kind);
            activity?.SetTag(MessagingTelemetry.ErrorTypeTag, kind);
            activity?.SetTag(MessagingTelemetry.ProviderCodeTag, failure.ProviderCode);
            activity?.SetStatus(ActivityStatusCode.Error, kind);
            if (failure.IsThrottling)
            {
                MessagingTelemetry.Throttled.Add(1, new TagList
                {
                    { MessagingTelemetry.ProviderTag, ProviderName },
                    { MessagingTelemetry.OperationTag, operation },
                });
            }
        }

        MessagingTelemetry.Attempts.Add(1, tags);
    }

    private ResiliencePipeline<ProviderOutcome> BuildPipeline(ILoggerFactory loggerFactory)
    {
        var builder = new ResiliencePipelineBuilder<ProviderOutcome>
        {
            Name = "MessagingClients." + ProviderName,
            TimeProvider = _time,
        };

        if (_options.Timeouts.Total != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(new TimeoutStrategyOptions
            {
                Name = "TotalTimeout",
                Timeout = _options.Timeouts.Total,
                OnTimeout = args =>
                {
                    args.Context.Properties.GetValue(StateKey, null!).TotalTimeoutFired = true;
                    return default;
                },
            });
        }

        if (_options.Retry.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<ProviderOutcome>
            {
                Name = "Retry",
                MaxRetryAttempts = _options.Retry.MaxRetries,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.Zero,
                UseJitter = false,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Context, args.Outcome, args.AttemptNumber)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Context.Properties.GetValue(StateKey, null!).NextDelay),
                OnRetry = args =>
                {
                    var state = args.Context.Properties.GetValue(StateKey, null!);
                    var failure = state.LastFailure;
                    var kind = failure?.Kind.ToString() ?? nameof(MessagingErrorKind.Timeout);
                    Activity.Current?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
                    {
                        { MessagingTelemetry.AttemptTag, state.Attempts },
                        { MessagingTelemetry.ErrorTypeTag, kind },
                        { MessagingTelemetry.RetryDelayTag, args.RetryDelay.TotalSeconds },
                    }));
                    MessagingTelemetry.Retries.Add(1, new TagList
                    {
                        { MessagingTelemetry.ProviderTag, ProviderName },
                        { MessagingTelemetry.OperationTag, state.Operation },
                        { MessagingTelemetry.ErrorTypeTag, kind },
                    });
                    if (failure is not null && _logger.IsEnabled(LogLevel.Warning))
                    {
                        TransportLog.Retrying(_logger, ProviderName, state.Operation, state.Attempts, failure.Kind, failure.ProviderCode, failure.HttpStatus, args.RetryDelay.TotalMilliseconds);
                    }

                    return default;
                },
            });
        }

        if (_options.CircuitBreaker.Enabled)
        {
            var cb = _options.CircuitBreaker;
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<ProviderOutcome>
            {
                Name = "CircuitBreaker",
                FailureRatio = cb.FailureRatio,
                MinimumThroughput = cb.MinimumThroughput,
                SamplingDuration = cb.SamplingDuration,
                BreakDuration = cb.BreakDuration,
                StateProvider = _circuit,
                ShouldHandle = args => new ValueTask<bool>(CountsAgainstCircuit(args.Outcome)),
                OnOpened = args =>
                {
                    MessagingTelemetry.RecordCircuitState(ProviderName, "open");
                    TransportLog.CircuitOpened(_logger, ProviderName, args.BreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    MessagingTelemetry.RecordCircuitState(ProviderName, "closed");
                    TransportLog.CircuitClosed(_logger, ProviderName);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    MessagingTelemetry.RecordCircuitState(ProviderName, "half_open");
                    TransportLog.CircuitHalfOpened(_logger, ProviderName);
                    return default;
                },
            });
        }

        if (_limiter is not null)
        {
            var limiter = _limiter;
            builder.AddRateLimiter(new RateLimiterStrategyOptions
            {
                Name = "RateLimiter",
                RateLimiter = args => AcquireAsync(limiter, args.Context),
                OnRejected = args =>
                {
                    // A limiter may say why it refused (a shared limiter that cannot reach its store, say).
                    if (args.Lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason) && !string.IsNullOrEmpty(reason))
                    {
                        args.Context.Properties.GetValue(StateKey, null!).RateLimiterReason = reason;
                    }

                    return default;
                },
            });
        }

        if (_options.Timeouts.Attempt != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = _options.Timeouts.Attempt });
        }

        // Polly reports each retry, attempt and circuit change too, at Warning/Error; the SDK's own lines (1001, 1002,
        // 1006, 1007, 1012) say the same with the provider's classification, so Polly's go to Debug: no duplicate warnings.
        builder.ConfigureTelemetry(new TelemetryOptions
        {
            LoggerFactory = loggerFactory,
            SeverityProvider = static _ => ResilienceEventSeverity.Debug,
        });
        return builder.Build();
    }

    private async ValueTask<System.Threading.RateLimiting.RateLimitLease> AcquireAsync(AdaptiveRateLimiter limiter, ResilienceContext context)
    {
        var started = _time.GetTimestamp();
        var acquired = false;
        try
        {
            var lease = await limiter.AcquireAsync(1, context.CancellationToken).ConfigureAwait(false);
            acquired = lease.IsAcquired;
            return lease;
        }
        finally
        {
            MessagingTelemetry.RateLimiterWait.Record(_time.GetElapsedTime(started).TotalSeconds, new TagList
            {
                { MessagingTelemetry.ProviderTag, ProviderName },
                { MessagingTelemetry.OperationTag, context.OperationKey },
                { MessagingTelemetry.AcquiredTag, acquired },
            });
        }
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<ProviderOutcome> outcome, int retryIndex)
    {
        var state = context.Properties.GetValue(StateKey, null!);
        if (context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (outcome.Exception is TimeoutRejectedException)
        {
            var timeout = state.AttemptTimeoutClassifier?.Invoke()
                ?? HttpFailureClassifier.AttemptTimedOut(_options.Timeouts.Attempt, state.IsIdempotent);
            state.LastFailure = timeout;
            return PlanRetry(state, timeout, retryIndex);
        }

        if (outcome.Result?.Failure is not { } failure)
        {
            return false;
        }

        // Usually decided already by the attempt (so its span could carry the delay); never decided twice, as jitter is random.
        return state.PlannedAttempt == state.Attempts ? state.PlannedRetry : PlanRetry(state, failure, retryIndex);
    }

    private bool PlanRetry(OperationState state, ProviderFailure failure, int retryIndex)
    {
        if (!failure.IsRetryable)
        {
            return false;
        }

        var delay = _delays.Compute(failure, retryIndex);
        if (_options.Timeouts.Total != Timeout.InfiniteTimeSpan)
        {
            var remaining = _options.Timeouts.Total - _time.GetElapsedTime(state.StartTimestamp);
            if (delay >= remaining)
            {
                // Sleeping into a certain timeout helps nobody: fail now with the provider's own reason.
                state.DelayBeyondBudget = delay;
                state.RemainingAtGiveUp = remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining;
                return false;
            }
        }

        state.NextDelay = delay;
        return true;
    }

    private static bool CountsAgainstCircuit(Outcome<ProviderOutcome> outcome)
    {
        if (outcome.Exception is TimeoutRejectedException)
        {
            return true;
        }

        return outcome.Result?.Failure is { IsTransient: true } failure
            && failure.Kind is MessagingErrorKind.Unavailable or MessagingErrorKind.Timeout;
    }

    private MessagingException ExceptionFor(OperationState state, ProviderFailure failure)
    {
        var advice = failure.Advice;
        var retryAfter = failure.RetryAfter;
        if (state.DelayBeyondBudget is { } wanted)
        {
            retryAfter = wanted;
            advice = $"A retry was due after {Seconds(wanted)} s, more than the {Seconds(state.RemainingAtGiveUp ?? TimeSpan.Zero)} s left of Timeouts:Total, so the client gave up at once instead of waiting into a certain timeout. Try again later. "
                + advice;
        }
        else if (failure.IsRetryable && state.Attempts > _options.Retry.MaxRetries)
        {
            advice = $"All {state.Attempts} attempts failed (Retry:MaxRetries is {_options.Retry.MaxRetries}). " + advice;
        }

        var error = new MessagingException(ProviderName, state.Operation, failure.Kind, failure.Description, failure.Exception)
        {
            HttpStatus = failure.HttpStatus,
            ProviderCode = failure.ProviderCode,
            IsTransient = failure.IsTransient,
            Attempts = state.Attempts,
            RetryAfter = retryAfter,
            Advice = advice,
        };
        Log(error);
        return error;
    }

    private MessagingException ExceptionFor(OperationState state, Exception exception)
    {
        MessagingException error;
        switch (exception)
        {
            case TimeoutRejectedException when state.TotalTimeoutFired:
                error = new MessagingException(ProviderName, state.Operation, MessagingErrorKind.Timeout,
                    $"The operation did not complete within the total timeout of {Seconds(_options.Timeouts.Total)} s" + LastFailureText(state), exception)
                {
                    HttpStatus = state.LastFailure?.HttpStatus,
                    ProviderCode = state.LastFailure?.ProviderCode,
                    IsTransient = true,
                    Attempts = state.Attempts,
                    Advice = state.IsIdempotent
                        ? "Raise Timeouts:Total, or try again later."
                        : "The last attempt may have been processed; check before sending again with the same idempotency key, or raise Timeouts:Total.",
                };
                break;
            case TimeoutRejectedException:
                var timeout = state.LastFailure is { Kind: MessagingErrorKind.Timeout } last
                    ? last
                    : HttpFailureClassifier.AttemptTimedOut(_options.Timeouts.Attempt, state.IsIdempotent);
                error = new MessagingException(ProviderName, state.Operation, MessagingErrorKind.Timeout, timeout.Description, exception)
                {
                    IsTransient = true,
                    Attempts = state.Attempts,
                    Advice = timeout.Advice,
                };
                break;
            case BrokenCircuitException broken:
                error = new MessagingException(ProviderName, state.Operation, MessagingErrorKind.CircuitOpen,
                    "The circuit breaker is open after sustained failures, so the call was not sent" + LastFailureText(state), exception)
                {
                    IsTransient = true,
                    Attempts = state.Attempts,
                    RetryAfter = broken.RetryAfter,
                    Advice = "The provider has been failing; the client tries again by itself after CircuitBreaker:BreakDuration.",
                };
                break;
            default:
                var rejected = (RateLimiterRejectedException)exception;
                error = state.RateLimiterReason is { } reason
                    ? new MessagingException(ProviderName, state.Operation, MessagingErrorKind.Throttled, reason + ", so the call was not sent", exception)
                    {
                        IsTransient = true,
                        Attempts = state.Attempts,
                        RetryAfter = rejected.RetryAfter,
                        Advice = "The rate limiter refused a permit; try again later.",
                    }
                    : new MessagingException(ProviderName, state.Operation, MessagingErrorKind.Throttled,
                    $"The client's rate limiter queue is full (RateLimit:QueueLimit = {_options.RateLimit.QueueLimit}), so the call was not sent", exception)
                    {
                        IsTransient = true,
                        Attempts = state.Attempts,
                        RetryAfter = rejected.RetryAfter,
                        Advice = "More work is queued than the provider's rate allows; slow the producer, raise RateLimit:QueueLimit, or queue with the bulk dispatcher.",
                    };
                break;
        }

        Log(error);
        return error;
    }

    private static string LastFailureText(OperationState state) =>
        state.LastFailure is { } last ? $"; the last attempt failed with {last.Kind}: {last.Description}" : string.Empty;

    private void Log(MessagingException error)
    {
        if (_logger.IsEnabled(LogLevel.Error))
        {
            TransportLog.OperationFailed(_logger, ProviderName, error.Operation, error.Attempts, error.Kind, error.ProviderCode, error.HttpStatus, error.IsTransient);
        }
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
