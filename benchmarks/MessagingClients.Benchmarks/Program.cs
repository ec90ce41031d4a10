// BenchmarkDotNet entry point. Short, in-process jobs (3 warm-ups, 10 iterations: more than ShortRun's 3, because a loopback
// round trip on a shared machine is noisy) so that a run fits a busy 2-core machine:
//   dotnet run -c Release --project benchmarks/MessagingClients.Benchmarks -- --filter '*'
//   dotnet run -c Release --project benchmarks/MessagingClients.Benchmarks -- --filter '*Send*'
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(MessagingClients.Benchmarks.SendBenchmarks).Assembly).Run(args, config);
