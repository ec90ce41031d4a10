using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Idempotency;
using MessagingClients.Internal;
using MessagingClients.Telemetry;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Maxemail;

/// <summary>
/// The Maxemail JSON API client. Generic calls (<see cref="CallAsync(string, string, IEnumerable{KeyValuePair{string, object}}, MaxemailCallOptions, CancellationToken)"/>),
/// typed services (<see cref="Recipients"/>, <see cref="Lists"/>, <see cref="EmailSend"/>, <see cref="EmailCampaigns"/>,
/// <see cref="Transactional"/>, <see cref="Tree"/>), file upload and download (<see cref="Files"/>), and
/// <see cref="IMessageSender"/> through <c>transactional.send</c>. Every call goes through the shared resilient transport;
/// calls that change state are not retried after an ambiguous failure unless the caller opts in. Thread-safe; create one
/// and reuse it.
/// </summary>
public sealed class MaxemailClient : IMessageSender, IDisposable
{
    /// <summary>The provider name, <c>"maxemail"</c>.</summary>
    public const string Name = "maxemail";

    /// <summary>The configuration section name under <c>Messaging</c>, <c>"Maxemail"</c>.</summary>
    public const string SectionName = "Maxemail";

    private static readonly JsonSerializerOptions ResultOptions = CreateResultOptions();

    private readonly ClientCore _core;
    private readonly MaxemailClientOptions _options;
    private readonly string _authorization;
    private readonly ConcurrentDictionary<string, byte> _deprecationsLogged = new(StringComparer.Ordinal);

    /// <summary>Creates a client without dependency injection.</summary>
    /// <param name="options">The options; validated now (an <see cref="ArgumentException"/> names each bad setting).</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use (not disposed by the client), or null for a pooled one of its own.</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    public MaxemailClient(MaxemailClientOptions options, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
        : this(ClientCore.Standalone(Name, "Messaging:" + SectionName, options, httpClient, loggerFactory), options)
    {
    }

    internal MaxemailClient(ClientCore core, MaxemailClientOptions options)
    {
        _core = core ?? throw new ArgumentNullException(nameof(core));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _authorization = MaxemailCodec.BasicAuthorization(options.Username ?? string.Empty, options.Password ?? string.Empty);
        Recipients = new MaxemailRecipients(this);
        Lists = new MaxemailLists(this);
        EmailSend = new MaxemailEmailSend(this);
        EmailCampaigns = new MaxemailEmailCampaigns(this);
        Transactional = new MaxemailTransactional(this);
        Tree = new MaxemailTree(this);
        Files = new MaxemailFiles(this);
    }

    /// <inheritdoc />
    public string ProviderName => Name;

    /// <summary>The <c>recipient</c> service.</summary>
    public MaxemailRecipients Recipients { get; }

    /// <summary>The <c>list</c> service.</summary>
    public MaxemailLists Lists { get; }

    /// <summary>The <c>email_send</c> service.</summary>
    public MaxemailEmailSend EmailSend { get; }

    /// <summary>The <c>email_campaign</c> service.</summary>
    public MaxemailEmailCampaigns EmailCampaigns { get; }

    /// <summary>The <c>transactional</c> service.</summary>
    public MaxemailTransactional Transactional { get; }

    /// <summary>The <c>tree</c> service.</summary>
    public MaxemailTree Tree { get; }

    /// <summary>File upload (<c>file_upload</c>) and download.</summary>
    public MaxemailFiles Files { get; }

    internal ClientCore Core => _core;

    internal MaxemailClientOptions Options => _options;

    /// <summary>
    /// Calls <paramref name="method"/> of <paramref name="service"/> with named parameters, sent in the given order
    /// (<c>method=findByEmailAddress&amp;emailAddress=…</c>). Values: strings as they are; booleans <c>1</c>/<c>0</c>; numbers and
    /// dates in invariant culture; arrays, lists, dictionaries and objects as compact JSON; null parameters left out.
    /// </summary>
    /// <param name="service">The service (<c>recipient</c>, <c>email_campaign</c> …).</param>
    /// <param name="method">The method (<c>findByEmailAddress</c> …). <c>find*</c>, <c>fetch*</c>, <c>get*</c> and <c>search*</c> are read-only and retried after server errors.</param>
    /// <param name="parameters">The named parameters, in order.</param>
    /// <param name="callOptions">Per-call settings (retrying a write, an idempotency key), or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer's JSON, with its deprecation notices.</returns>
    /// <exception cref="ArgumentException">A name is empty or malformed; nothing was sent.</exception>
    /// <exception cref="MessagingException">Maxemail refused the call or could not be reached.</exception>
    public Task<MaxemailResult<JsonElement>> CallAsync(string service, string method, IEnumerable<KeyValuePair<string, object?>> parameters, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        var fields = NamedFields(service, method, parameters);
        return InvokeAsync(service, method, fields, static json => json, callOptions, cancellationToken);
    }

    /// <summary>
    /// Calls <paramref name="method"/> of <paramref name="service"/> with positional arguments, sent as <c>arg0</c>…<c>argN</c>.
    /// A null argument is left out; the others keep their index. Values are encoded as for named parameters; an argument that
    /// is itself an array or list is sent as one JSON array.
    /// </summary>
    /// <param name="service">The service.</param>
    /// <param name="method">The method.</param>
    /// <param name="arguments">The arguments, in the method's order.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer's JSON, with its deprecation notices.</returns>
    /// <exception cref="ArgumentException">A name is empty or malformed; nothing was sent.</exception>
    /// <exception cref="MessagingException">Maxemail refused the call or could not be reached.</exception>
    public Task<MaxemailResult<JsonElement>> CallAsync(string service, string method, IReadOnlyList<object?> arguments, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        var fields = PositionalFields(service, method, arguments);
        return InvokeAsync(service, method, fields, static json => json, callOptions, cancellationToken);
    }

    /// <summary>Calls a method with named parameters and deserializes the answer with <paramref name="resultType"/> (source-generated metadata).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="service">The service.</param>
    /// <param name="method">The method.</param>
    /// <param name="parameters">The named parameters, in order.</param>
    /// <param name="resultType">The JSON metadata of <typeparamref name="T"/>.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer as <typeparamref name="T"/>: <c>default</c> when Maxemail answered <c>null</c>, or <c>false</c> for a non-boolean type.</returns>
    /// <exception cref="MessagingException">Maxemail refused the call, or its answer does not fit <typeparamref name="T"/> (<see cref="MessagingErrorKind.ProviderError"/>; the call was processed).</exception>
    public Task<MaxemailResult<T>> CallAsync<T>(string service, string method, IEnumerable<KeyValuePair<string, object?>> parameters, JsonTypeInfo<T> resultType, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        if (resultType is null)
        {
            throw new ArgumentNullException(nameof(resultType));
        }

        var fields = NamedFields(service, method, parameters);
        return InvokeAsync(service, method, fields, json => ConvertStrict(json, resultType), callOptions, cancellationToken);
    }

    /// <summary>Calls a method with positional arguments (<c>argN</c>) and deserializes the answer with <paramref name="resultType"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="service">The service.</param>
    /// <param name="method">The method.</param>
    /// <param name="arguments">The arguments, in the method's order.</param>
    /// <param name="resultType">The JSON metadata of <typeparamref name="T"/>.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer as <typeparamref name="T"/>.</returns>
    /// <exception cref="MessagingException">Maxemail refused the call, or its answer does not fit <typeparamref name="T"/>.</exception>
    public Task<MaxemailResult<T>> CallAsync<T>(string service, string method, IReadOnlyList<object?> arguments, JsonTypeInfo<T> resultType, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        if (resultType is null)
        {
            throw new ArgumentNullException(nameof(resultType));
        }

        var fields = PositionalFields(service, method, arguments);
        return InvokeAsync(service, method, fields, json => ConvertStrict(json, resultType), callOptions, cancellationToken);
    }

    /// <summary>
    /// Calls a method with named parameters and deserializes the answer to <typeparamref name="T"/> with reflection
    /// (web defaults: case-insensitive names, numbers allowed as strings). Prefer the <see cref="JsonTypeInfo{T}"/> overload
    /// in trimmed or AOT-compiled apps.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="service">The service.</param>
    /// <param name="method">The method.</param>
    /// <param name="parameters">The named parameters, in order.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer as <typeparamref name="T"/>.</returns>
    /// <exception cref="MessagingException">Maxemail refused the call, or its answer does not fit <typeparamref name="T"/>.</exception>
    public Task<MaxemailResult<T>> CallAsync<T>(string service, string method, IEnumerable<KeyValuePair<string, object?>> parameters, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default) =>
        CallAsync(service, method, parameters, ResultTypeInfo<T>(), callOptions, cancellationToken);

    /// <summary>Calls a method with positional arguments (<c>argN</c>) and deserializes the answer to <typeparamref name="T"/> with reflection.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="service">The service.</param>
    /// <param name="method">The method.</param>
    /// <param name="arguments">The arguments, in the method's order.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer as <typeparamref name="T"/>.</returns>
    /// <exception cref="MessagingException">Maxemail refused the call, or its answer does not fit <typeparamref name="T"/>.</exception>
    public Task<MaxemailResult<T>> CallAsync<T>(string service, string method, IReadOnlyList<object?> arguments, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default) =>
        CallAsync(service, method, arguments, ResultTypeInfo<T>(), callOptions, cancellationToken);

    /// <summary>
    /// Sends the message through <c>transactional.send</c>: exactly one recipient in <see cref="OutgoingMessage.To"/>; a sender
    /// in <see cref="OutgoingMessage.From"/> or <see cref="MaxemailClientOptions.DefaultFrom"/> (<c>address</c> or
    /// <c>Alias &lt;address&gt;</c>); a subject; HTML or text. Attachments are not supported. Not retried after an ambiguous
    /// failure (500/502/504, a timeout after sending) unless <see cref="MaxemailClientOptions.RetryNonIdempotentCalls"/> is set.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The receipt; <see cref="SendReceipt.ProviderMessageId"/> is the key <c>transactional.send</c> returned, and deprecation notices are in <see cref="SendReceipt.Warnings"/>.</returns>
    /// <exception cref="ArgumentException">The message is not valid for Maxemail; <c>ParamName</c> names the field (<c>To</c>, <c>From</c>, <c>Subject</c>, <c>Text</c>, <c>Attachments</c>). Nothing was sent.</exception>
    /// <exception cref="MessagingException">Maxemail refused the message or could not be reached.</exception>
    public Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        var transactional = ToTransactional(message);
        var key = IdempotentSend.KeyFor(message.IdempotencyKey);
        return _core.SendOnceAsync(key, async token =>
        {
            var result = await Transactional.SendCoreAsync(transactional, new MaxemailCallOptions { IdempotencyKey = key }, token).ConfigureAwait(false);
            return new SendReceipt
            {
                ProviderName = Name,
                ProviderMessageId = result.Value,
                IdempotencyKey = key,
                Attempts = result.Attempts,
                Elapsed = result.Elapsed,
                Warnings = result.Warnings.Select(w => w.Text).ToArray(),
            };
        }, cancellationToken);
    }

    /// <summary>Releases the client's own HTTP client and rate limiter (nothing, when they came from dependency injection).</summary>
    public void Dispose() => _core.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"MaxemailClient {{ Endpoint = {_options.Endpoint}, Username = {_options.Username} }}";

    /// <summary>Runs one form-encoded call and converts its answer.</summary>
    internal async Task<MaxemailResult<T>> InvokeAsync<T>(string service, string method, List<KeyValuePair<string, string>> fields, Func<JsonElement, T> convert, MaxemailCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var body = MaxemailFormEncoder.Encode(method, fields);
        var call = new MaxemailFormCall(MaxemailCodec.ServiceUri(_options.Endpoint, service), _authorization, service, method, body, IsRetryable(method, callOptions));
        var sent = await _core.SendAsync(call, callOptions?.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        var answer = sent.Value;
        ReportDeprecations(answer.Warnings);
        T value;
        try
        {
            value = convert(answer.Json);
        }
        catch (JsonException ex)
        {
            throw new MessagingException(Name, call.Operation, MessagingErrorKind.ProviderError,
                $"The call succeeded, but its answer ({answer.Json.ValueKind}) could not be read as {typeof(T).Name}: {ex.Message}", ex)
            {
                HttpStatus = 200,
                Attempts = sent.Attempts,
                Advice = "The call was processed: do not repeat it. Use the JsonElement overload of CallAsync to read the answer as it is.",
            };
        }

        return new MaxemailResult<T>(value, answer.Json, answer.Warnings, sent.Attempts, sent.Elapsed);
    }

    /// <summary>Runs a typed service call: positional arguments, a lenient conversion (an answer of an unexpected shape gives <c>default</c> and a log warning, never an exception after a processed call).</summary>
    internal Task<MaxemailResult<T>> InvokeTypedAsync<T>(string service, string method, IReadOnlyList<object?> arguments, Func<JsonElement, T> convert, MaxemailCallOptions? callOptions, CancellationToken cancellationToken) =>
        InvokeAsync(service, method, MaxemailFormEncoder.Positional(arguments), json => ConvertLenient(service + "." + method, json, convert), callOptions, cancellationToken);

    /// <summary>Like <see cref="InvokeTypedAsync{T}(string, string, IReadOnlyList{object}, Func{JsonElement, T}, MaxemailCallOptions, CancellationToken)"/>, with the parameter names providers.md documents.</summary>
    internal Task<MaxemailResult<T>> InvokeTypedAsync<T>(string service, string method, IEnumerable<KeyValuePair<string, object?>> parameters, Func<JsonElement, T> convert, MaxemailCallOptions? callOptions, CancellationToken cancellationToken) =>
        InvokeAsync(service, method, MaxemailFormEncoder.Named(parameters, nameof(parameters)), json => ConvertLenient(service + "." + method, json, convert), callOptions, cancellationToken);

    /// <summary>Sends a prepared call (uploads, downloads) and reports its deprecation notices.</summary>
    internal async Task<(T Value, int Attempts, TimeSpan Elapsed)> SendAsync<T>(Transport.ProviderCall<T> call, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var sent = await _core.SendAsync(call, idempotencyKey, cancellationToken).ConfigureAwait(false);
        return (sent.Value, sent.Attempts, sent.Elapsed);
    }

    internal string Authorization => _authorization;

    internal bool IsRetryable(string method, MaxemailCallOptions? callOptions) =>
        MaxemailValidation.IsReadOnly(method) || (callOptions?.RetryNonIdempotent ?? _options.RetryNonIdempotentCalls);

    internal void ReportDeprecations(IReadOnlyList<MaxemailDeprecation> warnings)
    {
        foreach (var warning in warnings)
        {
            var operation = warning.Service + "." + warning.Method;
            MessagingTelemetry.RecordDeprecation(Name, operation);
            if (_deprecationsLogged.TryAdd(operation, 0))
            {
                MaxemailLog.Deprecated(_core.Logger, warning.Service, warning.Method, warning.Agent, warning.Text);
            }

            if (_options.OnDeprecation is { } callback)
            {
                try
                {
                    callback(warning);
                }
#pragma warning disable CA1031 // A failing callback must not turn a processed call into an error the caller might repeat.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    MaxemailLog.DeprecationCallbackFailed(_core.Logger, ex, warning.Service, warning.Method);
                }
            }
        }
    }

    internal T ConvertLenient<T>(string operation, JsonElement json, Func<JsonElement, T> convert)
    {
        try
        {
            return convert(json);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            MaxemailLog.ResultNotReadable(_core.Logger, operation, json.ValueKind.ToString(), typeof(T).Name);
            return default!;
        }
    }

    /// <summary>Null, and <c>false</c> for a type that is not boolean, become <c>default</c>; anything else is deserialized.</summary>
    internal static T ConvertStrict<T>(JsonElement json, JsonTypeInfo<T> resultType)
    {
        if (typeof(T) == typeof(JsonElement))
        {
            return (T)(object)json;
        }

        if (json.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return default!;
        }

        if (json.ValueKind == JsonValueKind.False && typeof(T) != typeof(bool) && typeof(T) != typeof(bool?))
        {
            return default!;
        }

        return json.Deserialize(resultType)!;
    }

    private static List<KeyValuePair<string, string>> NamedFields(string service, string method, IEnumerable<KeyValuePair<string, object?>> parameters)
    {
        MaxemailValidation.Service(service);
        MaxemailValidation.Method(method);
        if (parameters is null)
        {
            throw new ArgumentNullException(nameof(parameters));
        }

        return MaxemailFormEncoder.Named(parameters, nameof(parameters));
    }

    private static List<KeyValuePair<string, string>> PositionalFields(string service, string method, IReadOnlyList<object?> arguments)
    {
        MaxemailValidation.Service(service);
        MaxemailValidation.Method(method);
        if (arguments is null)
        {
            throw new ArgumentNullException(nameof(arguments));
        }

        return MaxemailFormEncoder.Positional(arguments);
    }

    private static JsonTypeInfo<T> ResultTypeInfo<T>() => (JsonTypeInfo<T>)ResultOptions.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions CreateResultOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(MaxemailJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.MakeReadOnly();
        return options;
    }

    private MaxemailTransactionalMessage ToTransactional(OutgoingMessage message)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        if (message.To is null || message.To.Count == 0)
        {
            throw MaxemailValidation.Invalid("A Maxemail transactional message needs exactly one recipient in To.", nameof(OutgoingMessage.To));
        }

        if (message.To.Count > 1)
        {
            throw MaxemailValidation.Invalid($"Maxemail transactional.send takes one recipient per call, but To has {message.To.Count}; send one message per recipient (the bulk dispatcher fans out).", nameof(OutgoingMessage.To));
        }

        MaxemailValidation.EmailAddress(message.To[0], nameof(OutgoingMessage.To));
        var from = message.From ?? _options.DefaultFrom;
        if (string.IsNullOrWhiteSpace(from))
        {
            throw MaxemailValidation.Invalid("A sender is required: set From, or MaxemailClientOptions.DefaultFrom.", nameof(OutgoingMessage.From));
        }

        if (!MaxemailValidation.TryParseSender(from!, out var fromAddress, out var fromAlias))
        {
            throw MaxemailValidation.Invalid($"'{from}' is not a valid sender: use an address or 'Alias <address>'.", nameof(OutgoingMessage.From));
        }

        if (string.IsNullOrWhiteSpace(message.Subject))
        {
            throw MaxemailValidation.Invalid("A subject is required.", nameof(OutgoingMessage.Subject));
        }

        if (string.IsNullOrEmpty(message.Text) && string.IsNullOrEmpty(message.Html))
        {
            throw MaxemailValidation.Invalid("A body is required: set Text, Html or both.", nameof(OutgoingMessage.Text));
        }

        if (message.Attachments is { Count: > 0 })
        {
            throw MaxemailValidation.Invalid("Maxemail transactional.send takes no attachments.", nameof(OutgoingMessage.Attachments));
        }

        return new MaxemailTransactionalMessage
        {
            ToAddress = message.To[0],
            FromAddress = fromAddress,
            FromAlias = fromAlias,
            Subject = message.Subject!,
            HtmlContent = message.Html,
            TextContent = message.Text,
        };
    }
}
