using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace MessagingClients.Redis.Tests;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, without persistence, started and stopped by the tests. Missing server:
/// a loud skip locally, a failure in CI (<c>CI=true</c>; <c>.ci/run</c> installs it from <c>.ci/apt-packages</c>).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000";

    public static string? Executable { get; } = FindExecutable();

    /// <summary>Starts a server, or skips (locally) / fails (CI) when redis-server is not installed.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        RequireExecutable();
        var server = new RedisServer(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    public static void RequireExecutable()
    {
        if (Executable is not null)
        {
            return;
        }

        const string message = "redis-server is not installed, so the Redis tests cannot run. Install it (apt-get install redis-server) — CI does this from .ci/apt-packages.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip("SKIPPED: " + message);
    }

    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo(Executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no", "--loglevel", "warning" })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Kills the server (as a crash would).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>A loopback port nothing listens on.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin"]))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>One server per test class that shares it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;
    private ConnectionMultiplexer? _connection;

    public RedisServer Server
    {
        get
        {
            RedisServer.RequireExecutable();
            return _server!;
        }
    }

    public ConnectionMultiplexer Connection
    {
        get
        {
            RedisServer.RequireExecutable();
            return _connection!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (RedisServer.Executable is null)
        {
            return; // each test skips (or fails in CI) when it asks for the server
        }

        _server = await RedisServer.StartAsync();
        _connection = await _server.ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
