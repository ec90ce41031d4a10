using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace MessagingClients.AspNetCore;

/// <summary>The hosted service that runs <see cref="MmsPostbackReceiver.RunAsync"/>.</summary>
internal sealed class MmsPostbackProcessor : BackgroundService
{
    private readonly MmsPostbackReceiver _receiver;

    public MmsPostbackProcessor(MmsPostbackReceiver receiver) => _receiver = receiver;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _receiver.RunAsync(stoppingToken);
}
