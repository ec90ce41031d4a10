using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Idempotency;
using MessagingClients.Internal;
using Microsoft.Extensions.Logging;

namespace MessagingClients.MaxMd;

/// <summary>
/// The MaxMD Direct Message REST API v3 client: send Direct messages (<c>Send</c>, <c>SendWithHeader</c>) and read their
/// per-recipient status (<c>GetMessageStatus</c>), through the shared pipeline with MaxMD's retry rules. Also an
/// <see cref="IMessageSender"/> named <c>"maxmd"</c>. Thread-safe; keep one instance per account.
/// </summary>
public sealed class MaxMdClient : IMessageSender, IDisposable
{
    /// <summary>The provider name: <c>"maxmd"</c>.</summary>
    public const string Name = "maxmd";

    /// <summary>The configuration section under <c>Messaging</c>: <c>"MaxMd"</c>.</summary>
    public const string SectionName = "MaxMd";

    private readonly ClientCore _core;
    private readonly MaxMdClientOptions _options;
    private int _disposed;

    /// <summary>Creates a client without dependency injection.</summary>
    /// <param name="options">Endpoint, credentials and pipeline settings; validated now.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to send with (not disposed by the client); a pooled one of its own when null.</param>
    /// <param name="loggerFactory">Logging; nothing is logged when null.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names each one (<c>Messaging:MaxMd:Password is required.</c>).</exception>
    public MaxMdClient(MaxMdClientOptions options, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
        : this(ClientCore.Standalone(Name, "Messaging:" + SectionName, options, httpClient, loggerFactory), options)
    {
    }

    internal MaxMdClient(ClientCore core, MaxMdClientOptions options)
    {
        _core = core ?? throw new ArgumentNullException(nameof(core));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <inheritdoc />
    public string ProviderName => Name;

    internal ClientCore Core => _core;

    /// <summary>Sends a Direct message (<c>PUT Send</c>).</summary>
    /// <param name="message">The message. Validated before anything is sent.</param>
    /// <param name="cancellationToken">Cancels the send; a cancelled send is not retried.</param>
    /// <returns>MaxMD's answer with the <c>smtpId</c>. A message whose idempotency key already completed returns the stored result (<see cref="MaxMdSendResult.IsReplay"/>).</returns>
    /// <exception cref="ArgumentException">The message is invalid; <c>ParamName</c> names the field.</exception>
    /// <exception cref="MessagingException">MaxMD refused the message (code 1, 2, 3, 4, 999) or could not be reached within the retry budget.</exception>
    public Task<MaxMdSendResult> SendMessageAsync(DirectMessage message, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var call = MaxMdSendCall.Create(_options, message, null, MaxMdSendCall.FieldNames.Direct, _core.Logger);
        return RunSendAsync(call, message.IdempotencyKey, cancellationToken);
    }

    /// <summary>Sends a Direct message with custom headers (<c>PUT SendWithHeader</c>).</summary>
    /// <param name="message">The message. Validated before anything is sent.</param>
    /// <param name="headers">The headers to add, for example <c>X-Correlation-Id</c>; one line each.</param>
    /// <param name="cancellationToken">Cancels the send; a cancelled send is not retried.</param>
    /// <returns>MaxMD's answer with the <c>smtpId</c>.</returns>
    /// <exception cref="ArgumentException">The message or a header is invalid; <c>ParamName</c> names the field.</exception>
    /// <exception cref="MessagingException">MaxMD refused the message or could not be reached within the retry budget.</exception>
    public Task<MaxMdSendResult> SendMessageWithHeadersAsync(DirectMessage message, IEnumerable<DirectMessageHeader> headers, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (headers is null)
        {
            throw new ArgumentNullException(nameof(headers));
        }

        var call = MaxMdSendCall.Create(_options, message, headers.ToList(), MaxMdSendCall.FieldNames.Direct, _core.Logger);
        return RunSendAsync(call, message.IdempotencyKey, cancellationToken);
    }

    /// <summary>
    /// Reads a sent message's status (<c>POST GetMessageStatus/{smtpId}</c>): one record per recipient. Read-only, so timeouts
    /// and server errors are retried.
    /// </summary>
    /// <param name="smtpId">The <see cref="MaxMdSendResult.SmtpId"/> (or <see cref="SendReceipt.ProviderMessageId"/>) of the send.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The per-recipient status records.</returns>
    /// <exception cref="ArgumentException"><paramref name="smtpId"/> is empty or malformed.</exception>
    /// <exception cref="MessagingException">MaxMD refused the lookup or could not be reached within the retry budget.</exception>
    public async Task<MaxMdMessageStatus> GetMessageStatusAsync(string smtpId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var call = new MaxMdStatusCall(_options, smtpId, _core.Logger);
        var result = await _core.SendAsync(call, null, cancellationToken).ConfigureAwait(false);
        if (_core.Logger.IsEnabled(LogLevel.Debug))
        {
            MaxMdLog.StatusRetrieved(_core.Logger, smtpId, result.Value.MessageLogs.Count, result.Attempts);
        }

        return result.Value with { Attempts = result.Attempts };
    }

    /// <summary>
    /// Sends an <see cref="OutgoingMessage"/> as one Direct message: every <c>To</c> address in one call, <c>From</c> as the
    /// sender (the account's address when null), <c>Html</c> as an HTML body when set, else <c>Text</c>.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The receipt; <see cref="SendReceipt.ProviderMessageId"/> is MaxMD's <c>smtpId</c>.</returns>
    /// <exception cref="ArgumentException">The message is invalid; <c>ParamName</c> names the field (<c>To</c>, <c>From</c>, <c>Attachments</c> …).</exception>
    /// <exception cref="MessagingException">MaxMD refused the message or could not be reached within the retry budget.</exception>
    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        if (message.To is null)
        {
            throw MaxMdSendCall.Invalid("To is required.", nameof(OutgoingMessage.To));
        }

        var direct = new DirectMessage
        {
            Sender = message.From,
            To = message.To,
            Subject = message.Subject,
            Body = message.Html ?? message.Text,
            IsHtml = message.Html is not null,
            Attachments = message.Attachments ?? new List<MessageAttachment>(),
            IdempotencyKey = message.IdempotencyKey,
        };
        var call = MaxMdSendCall.Create(_options, direct, null, MaxMdSendCall.FieldNames.Outgoing, _core.Logger);
        var key = IdempotentSend.KeyFor(message.IdempotencyKey);
        return await _core.SendOnceAsync(key, token => SendOnceAsync(call, key, token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases the client's own HTTP client and rate limiter (not those DI gave it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _core.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => "MaxMdClient { " + _options + " }";

    private async Task<MaxMdSendResult> RunSendAsync(MaxMdSendCall call, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var key = IdempotentSend.KeyFor(idempotencyKey);
        MaxMdSendResult? fresh = null;
        var receipt = await _core.SendOnceAsync(
            key,
            async token =>
            {
                var (result, receipt) = await SendCoreAsync(call, key, token).ConfigureAwait(false);
                fresh = result;
                return receipt;
            },
            cancellationToken).ConfigureAwait(false);

        return !receipt.IsReplay && fresh is not null
            ? fresh
            : new MaxMdSendResult
            {
                SmtpId = receipt.ProviderMessageId,
                Code = MaxMdResultCode.Success,
                Success = true,
                IdempotencyKey = receipt.IdempotencyKey,
                Attempts = receipt.Attempts,
                Elapsed = receipt.Elapsed,
                IsReplay = true,
            };
    }

    private async Task<SendReceipt> SendOnceAsync(MaxMdSendCall call, string key, CancellationToken cancellationToken) =>
        (await SendCoreAsync(call, key, cancellationToken).ConfigureAwait(false)).Receipt;

    private async Task<(MaxMdSendResult Result, SendReceipt Receipt)> SendCoreAsync(MaxMdSendCall call, string key, CancellationToken cancellationToken)
    {
        var sent = await _core.SendAsync(call, key, cancellationToken).ConfigureAwait(false);
        var result = sent.Value with { IdempotencyKey = key, Attempts = sent.Attempts, Elapsed = sent.Elapsed };
        if (_core.Logger.IsEnabled(LogLevel.Debug))
        {
            MaxMdLog.SendAccepted(_core.Logger, call.Operation, result.SmtpId, call.RecipientCount, sent.Attempts);
        }

        var receipt = new SendReceipt
        {
            ProviderName = Name,
            ProviderMessageId = result.SmtpId,
            IdempotencyKey = key,
            Attempts = sent.Attempts,
            Elapsed = sent.Elapsed,
        };
        return (result, receipt);
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(MaxMdClient));
        }
    }
}
