using System.Text;
using MessagingClients.IntegrationTests.Infrastructure;
using MessagingClients.Maxemail;

namespace MessagingClients.IntegrationTests;

public sealed class MaxemailSimulatorTests
{
    [Fact]
    public async Task Typed_services_end_to_end()
    {
        await using var sim = await Sim.StartAsync();
        using var client = new MaxemailClient(sim.Maxemail.CreateClientOptions().Fast());

        var inserted = await client.Lists.InsertRecipientAsync(1, new Dictionary<string, object?> { ["email_address"] = "a@example.com", ["first_name"] = "Ada" }, cancellationToken: Sim.Token);
        var id = await client.Recipients.FindByEmailAddressAsync("a@example.com", Sim.Token);
        var found = await client.Recipients.FindAsync(id.Value!.Value, Sim.Token);
        var updated = await client.Recipients.UpdateByEmailAddressAsync("a@example.com", new Dictionary<string, object?> { ["last_name"] = "Lovelace" }, cancellationToken: Sim.Token);
        var lists = await client.Recipients.FetchListsAsync(id.Value!.Value, Sim.Token);
        var all = await client.Lists.FetchAllAsync(Sim.Token);
        var member = await client.Lists.FetchRecipientAsync(1, id.Value!.Value, Sim.Token);
        var missing = await client.Recipients.FindByEmailAddressAsync("nobody@example.com", Sim.Token);
        var triggered = await client.EmailSend.TriggerAsync(7, "a@example.com", cancellationToken: Sim.Token);
        var campaign = await client.EmailCampaigns.InsertAsync(new MaxemailEmailCampaign { FolderId = 1, Name = "test email", SubjectLine = "test subject", FromAddress = "from@example.com", FromAddressAlias = "From" }, cancellationToken: Sim.Token);
        var key = await client.Transactional.SendAsync(new MaxemailTransactionalMessage { ToAddress = "a@example.com", FromAddress = "from@example.com", Subject = "Hi", TextContent = "Hello" }, cancellationToken: Sim.Token);
        var root = await client.Tree.FetchRootAsync("email", Sim.Token);

        Assert.Equal(inserted.Value!.RecipientId, id.Value);
        Assert.Equal("a@example.com", found.Value!.EmailAddress);
        Assert.Equal(id.Value, updated.Value!.RecipientId);
        Assert.Equal(1, Assert.Single(lists.Value).ListId);
        Assert.Contains(all.Value, l => l.ListId == 1);
        Assert.NotNull(member.Value);
        Assert.Null(missing.Value);
        Assert.True(triggered.Value);
        Assert.Equal("test subject", campaign.Value!.SubjectLine);
        Assert.StartsWith("tx-", key.Value);
        Assert.Equal(2, root.Value.Count);
        Assert.Equal(new[] { "email_send.trigger", "transactional.send" }, sim.Maxemail.AcceptedSends.Select(s => s.Operation));
        Assert.All(sim.Maxemail.Requests, r => Assert.Equal("***", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Upload_then_download_round_trips_the_file()
    {
        await using var sim = await Sim.StartAsync();
        using var client = new MaxemailClient(sim.Maxemail.CreateClientOptions().Fast());
        var csv = Encoding.UTF8.GetBytes("email_address\r\na@example.com\r\n");

        var uploaded = await client.Files.UploadAsync(new MemoryStream(csv), "recipients.csv", "text/csv", cancellationToken: Sim.Token);
        using var download = await client.Files.DownloadFileAsync(uploaded.Value, Sim.Token);
        using var copy = new MemoryStream();
        await download.CopyToAsync(copy, Sim.Token);

        Assert.Equal(csv, copy.ToArray());
        Assert.Equal("recipients.csv", sim.Maxemail.UploadedFiles[uploaded.Value].FileName);
        Assert.Equal(new[] { "file_upload.initialise", "file_upload.handle", "download" }, sim.Maxemail.Requests.Select(r => r.Operation));
    }

    [Fact]
    public async Task Wrong_password_is_401_Authentication()
    {
        await using var sim = await Sim.StartAsync();
        var options = sim.Maxemail.CreateClientOptions().Fast();
        options.Password = "wrong";
        using var client = new MaxemailClient(options);

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.Recipients.FindByEmailAddressAsync("a@example.com", Sim.Token));

        Assert.Equal(MessagingErrorKind.Authentication, error.Kind);
        Assert.Equal(401, error.HttpStatus);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task Missing_parameters_answer_the_providers_400()
    {
        await using var sim = await Sim.StartAsync();
        using var client = new MaxemailClient(sim.Maxemail.CreateClientOptions().Fast());

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.CallAsync("email_send", "triggerFolder", Array.Empty<object?>(), cancellationToken: Sim.Token));

        Assert.Equal(MessagingErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(400, error.HttpStatus);
        Assert.Contains("Invalid Method Call to triggerFolder. Requires 2, 0 given.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deprecated_method_carries_Warning_299()
    {
        await using var sim = await Sim.StartAsync();
        sim.Maxemail.Deprecate("recipient", "findByEmailAddress", "Use recipient.find instead");
        var seen = new List<MaxemailDeprecation>();
        var options = sim.Maxemail.CreateClientOptions().Fast();
        options.OnDeprecation = seen.Add;
        using var client = new MaxemailClient(options);

        var result = await client.Recipients.FindByEmailAddressAsync("a@example.com", Sim.Token);

        var warning = Assert.Single(result.Warnings);
        Assert.Equal("findByEmailAddress", warning.Method);
        Assert.Contains("Use recipient.find instead", warning.Text, StringComparison.Ordinal);
        Assert.Single(seen);
    }

    [Fact]
    public async Task Canned_result_stubs_a_method_the_simulator_does_not_implement()
    {
        await using var sim = await Sim.StartAsync();
        sim.Maxemail.SetResult("campaign", "fetchAll", """[{"id":1}]""");
        using var client = new MaxemailClient(sim.Maxemail.CreateClientOptions().Fast());

        var result = await client.CallAsync("campaign", "fetchAll", Array.Empty<object?>(), cancellationToken: Sim.Token);

        Assert.Equal(1, result.Value[0].GetProperty("id").GetInt32());
    }
}
