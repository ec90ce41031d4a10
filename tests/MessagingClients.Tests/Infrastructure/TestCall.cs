using System.Net;
using System.Text;
using MessagingClients.Transport;

namespace MessagingClients.Tests.Infrastructure;

/// <summary>
/// A test codec: posts a fixed body, reads <c>ok</c> as success, and classifies failures with the shared HTTP rules, or with a
/// rule the test gives. The provider issues bring the real codecs.
/// </summary>
internal sealed class TestCall : ProviderCall<string>
{
    private readonly byte[] _body;
    private readonly bool _idempotent;

    public TestCall(string body = "{\"hello\":\"world\"}", bool idempotent = false, string operation = "Send")
    {
        _body = Encoding.UTF8.GetBytes(body);
        _idempotent = idempotent;
        Operation = operation;
    }

    public override string Operation { get; }

    public override bool IsIdempotent => _idempotent;

    /// <summary>Overrides the classification of a non-success answer.</summary>
    public Func<HttpResponseMessage, string, ProviderFailure?>? Classify { get; init; }

    public override HttpRequestMessage CreateRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://provider.test/send")
        {
            Content = new ByteArrayContent(_body),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return request;
    }

    public override async ValueTask<ProviderOutcome> DecodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (Classify?.Invoke(response, text) is { } custom)
        {
            return ProviderOutcome.Failed(custom);
        }

        if (response.StatusCode == HttpStatusCode.OK)
        {
            return ProviderOutcome.Success(text);
        }

        return ProviderOutcome.Failed(HttpFailureClassifier.FromStatus((int)response.StatusCode, IsIdempotent, "test provider said " + text));
    }
}
