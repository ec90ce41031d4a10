#!/usr/bin/env bash
# Package smoke test: pack every shipped package with a unique version into a local folder, then build and run a fresh
# console app (net8.0 and net10.0) that takes them from that folder only, registers with AddMessagingClients and sends one
# message per provider through MessagingClients.Testing's simulator; and build a netstandard2.0 library against MessagingClients.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/messagingclients-smoke.XXXXXX)"
trap 'rm -rf "$work"' EXIT
version="0.1.0-ci.$(date +%s)"   # unique: the NuGet cache can never hand back a stale build
feed="$work/feed"

echo "smoke: packing $version"
for project in $(grep -l '<IsPackable>true</IsPackable>' "$repo"/src/*/*.csproj); do
  dotnet pack "$project" -c Release -o "$feed" -p:Version="$version" -warnaserror --nologo -v:q >/dev/null
done
ls "$feed" | sed 's/^/smoke:   /'
for id in MessagingClients MessagingClients.Testing MessagingClients.AspNetCore; do
  [ -f "$feed/$id.$version.nupkg" ] && [ -f "$feed/$id.$version.snupkg" ] || { echo "smoke: $id package or symbols missing"; exit 1; }
done

cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="smoke-local" value="$feed" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="smoke-local"><package pattern="MessagingClients" /><package pattern="MessagingClients.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

mkdir -p "$work/app" "$work/lib"
cat > "$work/app/SmokeApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <!-- Only the .NET 10 runtime is installed here: the net8.0 build runs on it by rolling forward. -->
    <RollForward>Major</RollForward>
    <NoWarn>\$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="MessagingClients" Version="$version" />
    <PackageReference Include="MessagingClients.Testing" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/Program.cs" <<'CS'
using MessagingClients;
using MessagingClients.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

await using var simulator = await ProviderSimulator.StartAsync();
var configuration = new ConfigurationBuilder().AddProviderSimulator(simulator).Build();
var services = new ServiceCollection();
services.AddMessagingClients(configuration.GetSection("Messaging"));
await using var provider = services.BuildServiceProvider();

var recipients = new Dictionary<string, string> { ["maxmd"] = "care.team@direct.example.org", ["maxemail"] = "reader@example.com", ["mms"] = "17743199144" };
foreach (var (name, to) in recipients)
{
    var sender = provider.GetRequiredKeyedService<IMessageSender>(name);
    var receipt = await sender.SendAsync(new OutgoingMessage { To = { to }, Subject = "Smoke", Text = "Installed from packages." });
    Console.WriteLine($"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription} {name}: {receipt.ProviderMessageId} ({receipt.Attempts} attempt(s))");
}

return simulator.Providers.Sum(p => p.AcceptedSends.Count) == 3 ? 0 : 1;
CS
cat > "$work/lib/SmokeLib.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <LangVersion>latest</LangVersion>
    <Nullable>enable</Nullable>
    <NoWarn>\$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="MessagingClients" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/lib/Notifier.cs" <<'CS'
using System.Threading.Tasks;
using MessagingClients;

public sealed class Notifier
{
    private readonly IMessageSender _sender;

    public Notifier(IMessageSender sender) => _sender = sender;

    public async Task<string?> NotifyAsync(string to)
    {
        try
        {
            var receipt = await _sender.SendAsync(new OutgoingMessage { To = { to }, Text = "netstandard2.0 consumer" }).ConfigureAwait(false);
            return receipt.ProviderMessageId;
        }
        catch (MessagingException error) when (error.Kind == MessagingErrorKind.RecipientRejected)
        {
            return null;
        }
    }
}
CS

cd "$work"
echo "smoke: netstandard2.0 library"
dotnet build lib/SmokeLib.csproj -c Release --nologo -v:q -warnaserror
for tfm in net8.0 net10.0; do
  echo "smoke: console app ($tfm)"
  dotnet run --project app/SmokeApp.csproj -c Release -f "$tfm"
done
echo "smoke: ok"
