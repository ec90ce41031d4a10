// Sends one SMS, or an MMS when a media URL is given, through the MMS/SMS XML API v1.
//
//   export Messaging__Mms__ApiKey=...             (required; from the account's API settings)
//   export Messaging__Mms__DefaultFrom=60856      (your short code or long code)
//   export Messaging__Mms__Endpoint=https://...   (optional; the API URL from the account's API settings)
//   export Messaging__Mms__DefaultCountryCode=1   (optional; lets you write national numbers)
//   dotnet run --project samples/Mms.Send -- "+1 (774) 319-9144" "Hello from MessagingClients"
//   dotnet run --project samples/Mms.Send -- "+1 (774) 319-9144" "Look" https://example.com/cat.jpg image/jpeg
//
// Without an API key it explains how to configure one, shows number normalization and postback parsing offline, and then
// sends to the local provider simulator (MessagingClients.Testing) instead of the real API.
using MessagingClients;
using MessagingClients.Mms;
using MessagingClients.Testing;

var apiKey = Environment.GetEnvironmentVariable("Messaging__Mms__ApiKey");
var endpoint = Environment.GetEnvironmentVariable("Messaging__Mms__Endpoint");
var defaultFrom = Environment.GetEnvironmentVariable("Messaging__Mms__DefaultFrom");
var country = Environment.GetEnvironmentVariable("Messaging__Mms__DefaultCountryCode");

ProviderSimulator? simulator = null;
if (string.IsNullOrWhiteSpace(apiKey))
{
    Console.WriteLine("""
        No MMS API key is configured, so this run sends to the local provider simulator. To send for real, set:

          Messaging__Mms__ApiKey              the API key from your account's API settings (required)
          Messaging__Mms__DefaultFrom         your short code (e.g. 60856) or long code
          Messaging__Mms__Endpoint            the API URL from your account's API settings (optional;
                                              default https://secure.skycore.com/API/wxml/1.3/index.php)
          Messaging__Mms__DefaultCountryCode  e.g. 1, to accept national numbers (optional)

        and allow-list this machine's public IP address in the account (or the API answers E112). Then:

          dotnet run --project samples/Mms.Send -- "+1 (774) 319-9144" "Hello"
          dotnet run --project samples/Mms.Send -- "+1 (774) 319-9144" "Look" https://example.com/cat.jpg image/jpeg

        Meanwhile, what the client does offline:
        """);
    foreach (var (input, countryCode) in new[] { ("+1 (774) 319-9144", "1"), ("0044 20 7946 0958", "44"), ("642111111", "64"), ("(774) 319-9144", "1") })
    {
        Console.WriteLine(PhoneNumber.TryNormalize(input, out var number)
            ? $"  {input,-20} -> {number}"
            : $"  {input,-20} -> refused without a DefaultCountryCode (could be national); with {countryCode}: {PhoneNumber.Normalize(input, countryCode)}");
    }

    var postback = MmsPostbackParser.Parse("""
        <POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>Message Sent/Delivered</STATUS><FROM>60856</FROM>
        <TO>16503333058</TO><TRACKINGID>U01TXzgwNjc4</TRACKINGID><TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP></POSTBACK>
        """);
    if (postback is DeliveryReceipt receipt)
    {
        Console.WriteLine($"  postback: {receipt.Code} for tracking id {receipt.TrackingId}, delivered = {receipt.IsDelivered}, de-duplication key {receipt.DeduplicationKey}");
    }

    simulator = await ProviderSimulator.StartAsync();
    apiKey = simulator.Mms.ApiKey;
    endpoint = simulator.Mms.Endpoint.AbsoluteUri;
    defaultFrom ??= "60856";
    if (args.Length == 0)
    {
        args = new[] { "+1 (774) 319-9144", "Hello from MessagingClients (simulated)" };
    }

    Console.WriteLine();
    Console.WriteLine("Sending to the simulator at " + endpoint);
}

await using var _ = simulator;

if (args.Length is not (2 or 4))
{
    Console.Error.WriteLine("Usage: Mms.Send <to> <text> [<media URL> <MIME type>]");
    return 2;
}

var options = new MmsClientOptions { ApiKey = apiKey, DefaultFrom = defaultFrom, DefaultCountryCode = country };
if (!string.IsNullOrWhiteSpace(endpoint))
{
    options.Endpoint = new Uri(endpoint);
}

try
{
    using var client = new MmsClient(options);
    using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
    MmsSendResult result = args.Length == 2
        ? await client.SendSmsAsync(new SmsMessage { To = args[0], Text = args[1] }, cancel.Token)
        : await client.SendMmsAsync(new MmsMessage
        {
            To = args[0],
            Subject = "MessagingClients sample",
            Slides = { MmsSlide.WithMedia(new Uri(args[2]), args[3], args[1]) },
            FallbackSmsText = args[1],
        }, cancel.Token);
    Console.WriteLine($"Accepted: tracking id {result.TrackingId}{(result.MmsId is null ? "" : ", MMS id " + result.MmsId)}, {result.Attempts} attempt(s).");
    Console.WriteLine("Accepted is not delivered: delivery arrives as a postback (DeliveryReceipt) with the same tracking id.");
    return 0;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"Not sent, invalid {ex.ParamName}: {ex.Message}");
    return 2;
}
catch (MessagingException ex)
{
    Console.Error.WriteLine($"Failed ({ex.Kind}, code {ex.ProviderCode}): {ex.Message}");
    return 1;
}
