using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using MessagingClients.Mms;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MessagingClients.AspNetCore;

/// <summary>
/// The receiver: answers the provider's requests (allow-list, limits, durable store, 200) and processes stored postbacks
/// in the background. One singleton per application.
/// </summary>
internal sealed class MmsPostbackReceiver : IMmsPostbackInbox
{
    private static readonly HashSet<string> NeverStored = new(StringComparer.OrdinalIgnoreCase) { "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie" };

    private readonly MmsPostbackReceiverOptions _options;
    private readonly IPostbackStore _store;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IpRange[] _allowed;
    private readonly HashSet<string> _contentTypes;
    private readonly string[] _storedHeaders;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);
    private CancellationToken _stopping = CancellationToken.None;

    public MmsPostbackReceiver(IOptions<MmsPostbackReceiverOptions> options, IPostbackStore store, IServiceScopeFactory scopes, ILogger<MmsPostbackReceiver> logger, TimeProvider? time = null)
    {
        _options = options.Value;
        _store = store;
        _scopes = scopes;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        var sources = _options.AllowedSources.Count > 0 ? (IEnumerable<string>)_options.AllowedSources : MmsPostbackParser.DefaultSourceAddresses;
        _allowed = sources.Select(s => IpRange.TryParse(s, out var range) ? range : throw new ArgumentException(
            MmsPostbackReceiverOptions.SectionName + ":AllowedSources has an entry that is not an IP address or CIDR range: '" + s + "'.", nameof(options))).ToArray();
        _contentTypes = new HashSet<string>(_options.AcceptedContentTypes.Count > 0 ? _options.AcceptedContentTypes : MmsPostbackReceiverOptions.DefaultContentTypes, StringComparer.OrdinalIgnoreCase);
        _storedHeaders = (_options.StoredHeaders.Count > 0 ? _options.StoredHeaders : MmsPostbackReceiverOptions.DefaultStoredHeaders).Where(h => !NeverStored.Contains(h)).ToArray();
    }

    /// <summary>The allowed source ranges in effect.</summary>
    internal IReadOnlyList<IpRange> AllowedSources => _allowed;

    // ---------------------------------------------------------------- request path

    public async Task ReceiveAsync(HttpContext context)
    {
        var request = context.Request;
        var remote = context.Connection.RemoteIpAddress is { } address ? IpRange.Normalize(address) : null;
        if (remote is null || !IsAllowed(remote))
        {
            PostbackLog.Forbidden(_logger, remote?.ToString() ?? "(unknown)");
            await RespondAsync(context, StatusCodes.Status403Forbidden, "Source address not allowed.").ConfigureAwait(false);
            return;
        }

        if (!IsAcceptedContentType(request.ContentType))
        {
            PostbackLog.UnsupportedMediaType(_logger, request.ContentType ?? "(none)", remote.ToString());
            await RespondAsync(context, StatusCodes.Status415UnsupportedMediaType, "Postbacks are XML (text/xml or application/xml).").ConfigureAwait(false);
            return;
        }

        var max = _options.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            PostbackLog.TooLarge(_logger, max, remote.ToString());
            await RespondAsync(context, StatusCodes.Status413PayloadTooLarge, "Body too large.").ConfigureAwait(false);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = max;
        }

        byte[]? body;
        try
        {
            body = await ReadBoundedAsync(request.Body, max, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            return;   // the sender went away before the body arrived: nothing acknowledged, it will deliver again
        }

        if (body is null)
        {
            PostbackLog.TooLarge(_logger, max, remote.ToString());
            await RespondAsync(context, StatusCodes.Status413PayloadTooLarge, "Body too large.").ConfigureAwait(false);
            return;
        }

        string key;
        var state = PostbackState.Pending;
        string? error = null;
        MmsPostback? parsed = null;
        try
        {
            parsed = MmsPostbackParser.Parse(body, Math.Max(body.Length, 1));
            key = parsed.DeduplicationKey;
        }
        catch (MmsPostbackException ex)
        {
            // Redelivery would not make it parseable: store it, acknowledge it, report it.
            key = "raw-sha256:" + Hex(SHA256.HashData(body));
            state = PostbackState.Unparseable;
            error = ex.Error + ": " + ex.Message;
        }

        var stored = new StoredPostback
        {
            Id = Guid.NewGuid().ToString("N"),
            DeduplicationKey = key,
            ReceivedAt = _time.GetUtcNow(),
            RemoteIp = remote.ToString(),
            Headers = KeptHeaders(request.Headers),
            Body = body,
            State = state,
            LastError = error,
        };

        bool added;
        try
        {
            // Not the request's token: once the write started, it is finished and processed even if the sender leaves.
            added = await _store.TryAddAsync(stored, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // any store failure: the provider must deliver again
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PostbackLog.StoreFailed(_logger, remote.ToString(), ex);
            await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "Not stored; deliver again later.").ConfigureAwait(false);
            return;
        }

        if (!added)
        {
            PostbackLog.Redelivery(_logger, parsed?.Origin, parsed?.Code);
        }
        else if (state == PostbackState.Unparseable)
        {
            PostbackLog.Unparseable(_logger, stored.Id, remote.ToString(), error!);
        }
        else
        {
            PostbackLog.Received(_logger, stored.Id, parsed?.Origin, parsed?.Code);
            Enqueue(stored.Id);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    private static string Hex(byte[] bytes)
    {
#if NET9_0_OR_GREATER
        return Convert.ToHexStringLower(bytes);
#else
        return string.Create(bytes.Length * 2, bytes, static (span, b) =>
        {
            const string digits = "0123456789abcdef";
            for (var i = 0; i < b.Length; i++)
            {
                span[2 * i] = digits[b[i] >> 4];
                span[(2 * i) + 1] = digits[b[i] & 0xF];
            }
        });
#endif
    }

    private bool IsAllowed(IPAddress remote)
    {
        foreach (var range in _allowed)
        {
            if (range.Contains(remote))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsAcceptedContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return _options.AcceptMissingContentType;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || !parsed.MediaType.HasValue)
        {
            return false;
        }

        var media = parsed.MediaType.Value!;
        return _contentTypes.Contains(media) || parsed.Suffix.Equals("xml", StringComparison.OrdinalIgnoreCase);
    }

    private Dictionary<string, string> KeptHeaders(IHeaderDictionary headers)
    {
        var kept = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in _storedHeaders)
        {
            if (headers.TryGetValue(name, out var value) && value.Count > 0)
            {
                kept[name] = value.ToString();
            }
        }

        return kept;
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(max + 1, 16 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > max)
                {
                    return null;
                }

                Array.Resize(ref buffer, Math.Min(max + 1, buffer.Length * 2));
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (length > max)
            {
                return null;
            }
        }

        return length == buffer.Length ? buffer : buffer.AsSpan(0, length).ToArray();
    }

    private static Task RespondAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    // ---------------------------------------------------------------- processing

    private void Enqueue(string id)
    {
        if (_active.TryAdd(id, 0))
        {
            _queue.Writer.TryWrite(id);
        }
    }

    /// <summary>Processes stored postbacks until <paramref name="stopping"/>: the pending ones first, then each new one.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        var pending = await _store.ListAsync(PostbackState.Pending, stopping).ConfigureAwait(false);
        if (pending.Count > 0)
        {
            PostbackLog.Resuming(_logger, pending.Count);
        }

        foreach (var postback in pending)
        {
            Enqueue(postback.Id);
        }

        var workers = Enumerable.Range(0, _options.MaxConcurrency).Select(_ => Task.Run(() => WorkAsync(stopping), CancellationToken.None)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                await ProcessAsync(id, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    internal async Task ProcessAsync(string id, CancellationToken stopping)
    {
        var keep = false;
        try
        {
            var stored = await _store.GetAsync(id, stopping).ConfigureAwait(false);
            if (stored is null || stored.State != PostbackState.Pending)
            {
                return;
            }

            MmsPostback postback;
            try
            {
                postback = MmsPostbackParser.Parse(stored.Body.ToArray(), Math.Max(stored.Body.Length, 1));
            }
            catch (MmsPostbackException ex)
            {
                PostbackLog.Unparseable(_logger, id, stored.RemoteIp ?? "(unknown)", ex.Error.ToString());
                await _store.SetStateAsync(id, PostbackState.Unparseable, stored.Attempts, ex.Error + ": " + ex.Message, stopping).ConfigureAwait(false);
                return;
            }

            var attempt = stored.Attempts + 1;
            try
            {
                var scope = _scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var handler = scope.ServiceProvider.GetRequiredService<IMmsPostbackHandler>();
                    await handler.HandleAsync(postback, new MmsPostbackContext(stored, attempt), stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;   // shutting down: still pending, processed after the restart, attempt not counted
            }
#pragma warning disable CA1031 // the user's handler may throw anything; it is retried, then kept as failed
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var error = ex.GetType().FullName + ": " + ex.Message;
                if (attempt >= _options.MaxAttempts)
                {
                    PostbackLog.GaveUp(_logger, id, postback.Origin, postback.Code, attempt, ex);
                    await _store.SetStateAsync(id, PostbackState.Failed, attempt, error, CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                var delay = RetryDelay(attempt);
                PostbackLog.WillRetry(_logger, id, postback.Origin, postback.Code, attempt, delay, ex);
                await _store.SetStateAsync(id, PostbackState.Pending, attempt, error, CancellationToken.None).ConfigureAwait(false);
                keep = true;
                _ = RetryLaterAsync(id, delay, stopping);
                return;
            }

            await _store.SetStateAsync(id, PostbackState.Processed, attempt, null, CancellationToken.None).ConfigureAwait(false);
            PostbackLog.Handled(_logger, id, postback.Origin, postback.Code, attempt);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // a store failure while processing: logged; the postback is still pending in the store
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PostbackLog.StateNotRecorded(_logger, id, ex);
        }
        finally
        {
            if (!keep)
            {
                _active.TryRemove(id, out _);
            }
        }
    }

    internal TimeSpan RetryDelay(int failedAttempts)
    {
        var initial = _options.InitialRetryDelay;
        var factor = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var ticks = initial.Ticks * factor;
        return ticks >= _options.MaxRetryDelay.Ticks ? _options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    private async Task RetryLaterAsync(string id, TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            _queue.Writer.TryWrite(id);
        }
        catch (OperationCanceledException)
        {
            _active.TryRemove(id, out _);   // still pending in the store: processed after the restart
        }
    }

    // ---------------------------------------------------------------- inbox

    public ValueTask<IReadOnlyList<StoredPostback>> GetPendingAsync(CancellationToken cancellationToken = default) => _store.ListAsync(PostbackState.Pending, cancellationToken);

    public ValueTask<IReadOnlyList<StoredPostback>> GetFailedAsync(CancellationToken cancellationToken = default) => _store.ListAsync(PostbackState.Failed, cancellationToken);

    public ValueTask<IReadOnlyList<StoredPostback>> GetUnparseableAsync(CancellationToken cancellationToken = default) => _store.ListAsync(PostbackState.Unparseable, cancellationToken);

    public async ValueTask<int> ReplayFailedAsync(CancellationToken cancellationToken = default)
    {
        var count = 0;
        foreach (var failed in await _store.ListAsync(PostbackState.Failed, cancellationToken).ConfigureAwait(false))
        {
            if (await RequeueAsync(failed, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        PostbackLog.Replayed(_logger, count);
        return count;
    }

    public async ValueTask<bool> ReplayAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var stored = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.State is not (PostbackState.Failed or PostbackState.Unparseable))
        {
            return false;
        }

        var requeued = await RequeueAsync(stored, cancellationToken).ConfigureAwait(false);
        if (requeued)
        {
            PostbackLog.Replayed(_logger, 1);
        }

        return requeued;
    }

    private async ValueTask<bool> RequeueAsync(StoredPostback stored, CancellationToken cancellationToken)
    {
        if (!_active.TryAdd(stored.Id, 0))
        {
            return false;
        }

        try
        {
            await _store.SetStateAsync(stored.Id, PostbackState.Pending, 0, stored.LastError, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _active.TryRemove(stored.Id, out _);
            throw;
        }

        _queue.Writer.TryWrite(stored.Id);
        return true;
    }
}
