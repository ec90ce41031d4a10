// Maxemail.Recipients: look a recipient up by email address, show the lists they are on, and optionally add them to a list.
//
//   export Messaging__Maxemail__Username='api-user@example.com'
//   export Messaging__Maxemail__Password='…'
//   dotnet run --project samples/Maxemail.Recipients -- someone@example.com [listId]
//
// Without credentials it explains how to configure them and runs against the local provider simulator instead.
using MessagingClients;
using MessagingClients.Maxemail;
using MessagingClients.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var emailAddress = args.Length > 0 ? args[0] : "someone@example.com";
var builder = new ConfigurationBuilder().AddEnvironmentVariables();
ProviderSimulator? simulator = null;
var section = builder.Build().GetSection("Messaging");
if (string.IsNullOrEmpty(section["Maxemail:Username"]) || string.IsNullOrEmpty(section["Maxemail:Password"]))
{
    Console.WriteLine("""
        Maxemail credentials are not configured, so this run uses the local provider simulator.

        To call the real API, set the API user's credentials (the Messaging:Maxemail configuration section):

          export Messaging__Maxemail__Username='api-user@example.com'
          export Messaging__Maxemail__Password='your-api-password'
          # optional, default https://mxm.xtremepush.com/
          export Messaging__Maxemail__Endpoint='https://mxm.xtremepush.com/'

          dotnet run --project samples/Maxemail.Recipients -- someone@example.com [listId]

        """);
    simulator = await ProviderSimulator.StartAsync();
    simulator.Maxemail.AddRecipient(emailAddress);
    section = builder.AddProviderSimulator(simulator).Build().GetSection("Messaging");
}

await using var _ = simulator;
long? listId = args.Length > 1 && long.TryParse(args[1], out var parsed) ? parsed : null;

var services = new ServiceCollection();
services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
services.AddMessagingClients(section, b => b.AddMaxemail(o =>
    o.OnDeprecation = d => Console.WriteLine($"  deprecated: {d.Service}.{d.Method}: {d.Text}")));
await using var provider = services.BuildServiceProvider();
var maxemail = provider.GetRequiredService<MaxemailClient>();

try
{
    var found = await maxemail.Recipients.FindByEmailAddressAsync(emailAddress);
    if (found.Value is not { } recipientId)
    {
        Console.WriteLine($"No recipient has the address {emailAddress}.");
    }
    else
    {
        Console.WriteLine($"Recipient {recipientId} has the address {emailAddress}.");
        var lists = await maxemail.Recipients.FetchListsAsync(recipientId);
        foreach (var list in lists.Value)
        {
            Console.WriteLine($"  list {list.ListId} {list.Name}: {(list.Subscribed == true ? "subscribed" : "not subscribed")}");
        }
    }

    if (listId is { } id)
    {
        // A write: not retried after a 500/502/504 or a timeout, because it may have been processed.
        var added = await maxemail.Lists.InsertRecipientAsync(id, new Dictionary<string, object?>
        {
            ["email_address"] = emailAddress,
            ["subscribed"] = true,
        });
        Console.WriteLine($"Added to list {id}: recipient {added.Value?.RecipientId.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(no record returned)"}.");
    }

    return 0;
}
catch (MessagingException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"Invalid input ({ex.ParamName}): {ex.Message}");
    return 2;
}
