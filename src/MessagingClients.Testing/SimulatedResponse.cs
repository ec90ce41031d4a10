using System.Collections.Generic;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MessagingClients.Testing;

/// <summary>An answer computed before anything is written, so that a reset after processing can drop it.</summary>
internal sealed class SimulatedResponse
{
    public SimulatedResponse(int status, string? contentType, byte[] body, SimulatedOutcome outcome, string? providerCode = null)
    {
        Status = status;
        ContentType = contentType;
        Body = body;
        Outcome = outcome;
        ProviderCode = providerCode;
    }

    public int Status { get; }

    public string? ContentType { get; }

    public byte[] Body { get; }

    public SimulatedOutcome Outcome { get; set; }

    public string? ProviderCode { get; }

    public List<KeyValuePair<string, string>> Headers { get; } = new();

    public static SimulatedResponse Json(int status, string json, SimulatedOutcome outcome, string? code = null) =>
        new(status, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(json), outcome, code);

    public static SimulatedResponse Xml(int status, string xml, SimulatedOutcome outcome, string? code = null) =>
        new(status, "text/xml; charset=utf-8", Encoding.UTF8.GetBytes(xml), outcome, code);

    public static SimulatedResponse Text(int status, string contentType, string text, SimulatedOutcome outcome) =>
        new(status, contentType, Encoding.UTF8.GetBytes(text), outcome);

    public static SimulatedResponse Empty(int status, SimulatedOutcome outcome) => new(status, null, System.Array.Empty<byte>(), outcome);

    public static SimulatedResponse GatewayPage(int status, string title) => Text(
        status,
        "text/html; charset=utf-8",
        "<html>\r\n<head><title>" + status + " " + title + "</title></head>\r\n<body>\r\n<center><h1>" + status + " " + title
            + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        SimulatedOutcome.Fault);

    public SimulatedResponse WithHeader(string name, string value)
    {
        Headers.Add(new KeyValuePair<string, string>(name, value));
        return this;
    }

    public async System.Threading.Tasks.Task WriteAsync(HttpResponse response, System.Threading.CancellationToken cancellationToken)
    {
        response.StatusCode = Status;
        foreach (var header in Headers)
        {
            response.Headers.Append(header.Key, header.Value);
        }

        if (ContentType is not null)
        {
            response.ContentType = ContentType;
        }

        response.ContentLength = Body.Length;
        if (Body.Length > 0)
        {
            await response.Body.WriteAsync(Body, cancellationToken).ConfigureAwait(false);
        }
    }
}
