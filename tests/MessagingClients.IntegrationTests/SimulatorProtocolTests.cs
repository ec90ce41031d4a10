using System.Net;
using System.Text;
using MessagingClients.IntegrationTests.Infrastructure;
using MessagingClients.Testing;

namespace MessagingClients.IntegrationTests;

/// <summary>What the simulator answers to requests no client would send: always the provider's own error, never a 500 of its own.</summary>
public sealed class SimulatorProtocolTests
{
    [Theory]
    [InlineData("maxmd", "Send", "PUT", "application/json", "{not json", 400, "\"code\":3")]
    [InlineData("maxmd", "Send", "PUT", "text/plain", "{}", 415, "\"code\":3")]
    [InlineData("maxmd", "Send", "PUT", "application/json", "{}", 200, "\"code\":1")]
    [InlineData("maxmd", "Nope", "PUT", "application/json", "{}", 404, "\"code\":3")]
    [InlineData("mms", "API/wxml/1.3/index.php", "POST", "text/xml", "<REQUEST><ACTION>sendSMS", 200, "<ERRORCODE>E108</ERRORCODE>")]
    [InlineData("mms", "API/wxml/1.3/index.php", "POST", "text/xml", "<!DOCTYPE x [<!ENTITY e \"x\">]><REQUEST/>", 200, "<ERRORCODE>E108</ERRORCODE>")]
    [InlineData("mms", "API/wxml/1.3/index.php", "POST", "text/xml", "<OTHER/>", 200, "<ERRORCODE>E100</ERRORCODE>")]
    [InlineData("mms", "API/wxml/1.3/index.php", "POST", "application/json", "{}", 200, "<ERRORCODE>E100</ERRORCODE>")]
    [InlineData("mms", "API/wxml/1.3/index.php", "POST", "text/xml", "<REQUEST><ACTION>sendSMS</ACTION><API_KEY>bad</API_KEY></REQUEST>", 200, "<ERRORCODE>E104</ERRORCODE>")]
    [InlineData("maxemail", "api/json/recipient", "POST", "application/x-www-form-urlencoded", "method=find&arg0=1", 401, "\"success\":false")]
    public async Task Bad_requests_get_the_providers_own_error(string provider, string path, string method, string contentType, string body, int status, string expected)
    {
        await using var sim = await Sim.StartAsync();
        var endpoint = sim.Providers.Single(p => p.Name == provider).Endpoint;
        var uri = provider == "mms" ? new Uri(sim.BaseAddress, "mms/" + path) : new Uri(endpoint, path);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), uri) { Content = new StringContent(body, Encoding.UTF8, contentType) };

        using var response = await http.SendAsync(request, Sim.Token);
        var text = await response.Content.ReadAsStringAsync(Sim.Token);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("method=nope", 400, "Invalid Method Call to nope")]
    [InlineData("arg0=1", 400, "No method specified")]
    [InlineData("method=insert&arg0=%7Bbroken", 400, "Invalid parameter")]
    public async Task Maxemail_refuses_malformed_calls_with_JSON_errors(string body, int status, string expected)
    {
        await using var sim = await Sim.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sim.Maxemail.Endpoint, body.Contains("insert", StringComparison.Ordinal) ? "api/json/email_campaign" : "api/json/recipient"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(sim.Maxemail.Username + ":" + sim.Maxemail.Password)));

        using var response = await http.SendAsync(request, Sim.Token);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(Sim.Token), StringComparison.Ordinal);
        Assert.Equal("***", sim.Maxemail.Requests[0].Headers["Authorization"]);
    }

    [Fact]
    public async Task Unknown_path_is_404_and_lists_the_endpoints()
    {
        await using var sim = await Sim.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(sim.BaseAddress, "elsewhere"), Sim.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(sim.MaxMd.Endpoint.AbsoluteUri, await response.Content.ReadAsStringAsync(Sim.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_forgets_everything_and_the_SendAccepted_event_fires()
    {
        await using var sim = await Sim.StartAsync();
        var seen = new List<AcceptedSend>();
        sim.SendAccepted += (_, send) => seen.Add(send);
        using var sender = Sender.For(sim, "maxmd");
        await sender.SendAsync(1);
        sim.MaxMd.Faults.Next(SimulatedFault.InternalServerError());

        sim.Reset();

        Assert.Single(seen);
        Assert.Empty(sim.MaxMd.Requests);
        Assert.Empty(sim.MaxMd.AcceptedSends);
        Assert.Equal(0, sim.MaxMd.Faults.PendingCount);
    }
}
