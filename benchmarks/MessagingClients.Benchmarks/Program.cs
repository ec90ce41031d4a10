// BenchmarkDotNet entry point. Short, in-process jobs by default so a run fits a busy 2-core machine:
//   dotnet run -c Release --project benchmarks/MessagingClients.Benchmarks -- --filter '*'
//   dotnet run -c Release --project benchmarks/MessagingClients.Benchmarks -- --filter '*Send*'
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(MessagingClients.Benchmarks.SendBenchmarks).Assembly).Run(args, config);
