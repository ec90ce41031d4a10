using System;
using System.Collections.Generic;
using System.Net.Http;
using MessagingClients.Transport;
using Microsoft.Extensions.Logging;

namespace MessagingClients.MaxMd;

/// <summary>
/// What every MaxMD operation shares: a JSON body encoded once (it carries the credentials, so it is logged only redacted and
/// the password is declared a secret), sent with the same bytes on every attempt.
/// </summary>
internal abstract class MaxMdCall<TResult> : ProviderCall<TResult>
{
    private readonly HttpMethod _method;

    protected MaxMdCall(HttpMethod method, Uri uri, byte[] body, MaxMdClientOptions options, ILogger logger)
    {
        _method = method;
        Uri = uri;
        Body = body;
        Username = options.Username;
        Password = options.Password;
        Logger = logger;
    }

    protected Uri Uri { get; }

    protected byte[] Body { get; }

    protected string? Username { get; }

    protected string? Password { get; }

    protected ILogger Logger { get; }

    public override HttpRequestMessage CreateRequest() => MaxMdCodec.CreateRequest(_method, Uri, Body);

    /// <summary>The body with the password redacted (and dropped if it would still show), for the optional body log.</summary>
    public override string? RedactedBodyForLog() => Telemetry.BodyRedaction.Json(Body, MaxMdCodec.SecretFields, Password);

    /// <summary>The password: never in a failure's text.</summary>
    public override IReadOnlyList<string?> Secrets => new[] { Password };
}
