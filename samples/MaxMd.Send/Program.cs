// MaxMD Direct: send one message and read its per-recipient status.
//
//   MAXMD__USERNAME=you@yourdomain.direct.example MAXMD__PASSWORD=… MAXMD__TO=them@theirdomain.direct.example \
//     dotnet run --project samples/MaxMd.Send
//
// Optional: MAXMD__ENDPOINT (evaluation accounts use another host). Without credentials the sample sends to the local
// provider simulator (MessagingClients.Testing) instead, so it runs anywhere.
using System;
using System.Text;
using System.Threading.Tasks;
using MessagingClients;
using MessagingClients.MaxMd;
using MessagingClients.Testing;
using Microsoft.Extensions.Logging;

var username = Environment.GetEnvironmentVariable("MAXMD__USERNAME");
var password = Environment.GetEnvironmentVariable("MAXMD__PASSWORD");
var to = Environment.GetEnvironmentVariable("MAXMD__TO");
var endpoint = Environment.GetEnvironmentVariable("MAXMD__ENDPOINT");

ProviderSimulator? simulator = null;
if (string.IsNullOrWhiteSpace(username) || string.IsNullOrWhiteSpace(password) || string.IsNullOrWhiteSpace(to))
{
    Console.WriteLine("MaxMd.Send: no MaxMD credentials configured, so this run uses the local provider simulator.");
    Console.WriteLine("To send for real, set MAXMD__USERNAME (your Direct address), MAXMD__PASSWORD, MAXMD__TO and optionally");
    Console.WriteLine("MAXMD__ENDPOINT (default " + MaxMdClientOptions.DefaultEndpoint + "); with DI the same settings live in Messaging:MaxMd.");
    Console.WriteLine();
    simulator = await ProviderSimulator.StartAsync();
    username = simulator.MaxMd.Username;
    password = simulator.MaxMd.Password;
    endpoint = simulator.MaxMd.Endpoint.AbsoluteUri;
    to = "care.team@direct.example.org";
}

await using var _ = simulator;
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var options = new MaxMdClientOptions { Username = username, Password = password };
if (!string.IsNullOrWhiteSpace(endpoint))
{
    options.Endpoint = new Uri(endpoint);
}

Console.WriteLine("Using " + options); // the password is redacted

using var client = new MaxMdClient(options, loggerFactory: loggerFactory);
var message = new DirectMessage
{
    To = { to },
    Subject = "MessagingClients sample",
    Body = "<p>Hello from the <b>MessagingClients</b> MaxMD sample.</p>",
    IsHtml = true,
    Attachments = { MessageAttachment.FromBytes("note.txt", "text/plain", Encoding.UTF8.GetBytes("An attached note.")) },
};

try
{
    var sent = await client.SendMessageAsync(message);
    Console.WriteLine($"Sent: smtpId {sent.SmtpId} after {sent.Attempts} attempt(s) in {sent.Elapsed.TotalMilliseconds:0} ms.");

    // Accepted is not delivered: ask MaxMD how each recipient's copy is doing.
    await Task.Delay(simulator is null ? TimeSpan.FromSeconds(2) : TimeSpan.Zero);
    var status = await client.GetMessageStatusAsync(sent.SmtpId!);
    foreach (var log in status.MessageLogs)
    {
        Console.WriteLine($"  {log.Recipient ?? "(recipient not given)"}: {log.Status ?? "(status not given)"}");
    }

    if (status.MessageLogs.Count == 0)
    {
        Console.WriteLine("  No status records yet.");
    }

    return 0;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"Not sent, the message is invalid ({ex.ParamName}): {ex.Message}");
    return 2;
}
catch (MessagingException ex)
{
    // Kind says what to do: Authentication → fix credentials; RecipientRejected → fix addresses; Unavailable → try later.
    Console.Error.WriteLine($"{ex.Kind}: {ex.Message}");
    return 1;
}
