using BenchmarkDotNet.Attributes;
using MessagingClients.Maxemail;
using MessagingClients.MaxMd;
using MessagingClients.Mms;
using MessagingClients.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingClients.Benchmarks;

/// <summary>
/// Each provider's codec on its own: encode (validate, build the body bytes once, create the request) and decode (read and
/// classify the provider's success answer, as captured from the simulator).
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private MaxMdClientOptions _maxmd = null!;
    private MaxemailClientOptions _maxemail = null!;
    private MmsClientOptions _mms = null!;
    private string _authorization = null!;
    private CapturedExchange _maxmdExchange = null!;
    private CapturedExchange _maxemailExchange = null!;
    private CapturedExchange _mmsExchange = null!;
    private MaxMdSendCall _maxmdCall = null!;
    private MaxemailFormCall _maxemailCall = null!;
    private MmsCall _mmsCall = null!;

    [GlobalSetup]
    public void Setup()
    {
        var simulator = Senders.StartSimulatorAsync().GetAwaiter().GetResult();
        try
        {
            _maxmd = simulator.MaxMd.CreateClientOptions();
            _maxemail = simulator.Maxemail.CreateClientOptions();
            _mms = simulator.Mms.CreateClientOptions();
            _maxmdExchange = CapturedExchange.OfAsync(simulator, "maxmd").GetAwaiter().GetResult();
            _maxemailExchange = CapturedExchange.OfAsync(simulator, "maxemail").GetAwaiter().GetResult();
            _mmsExchange = CapturedExchange.OfAsync(simulator, "mms").GetAwaiter().GetResult();
        }
        finally
        {
            simulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _authorization = MaxemailCodec.BasicAuthorization(_maxemail.Username!, _maxemail.Password!);
        _maxmdCall = EncodeMaxMd();
        _maxemailCall = EncodeMaxemail();
        _mmsCall = EncodeMms();
    }

    private MaxMdSendCall EncodeMaxMd() => MaxMdSendCall.Create(_maxmd,
        new DirectMessage { To = { "care.team@direct.example.org" }, Subject = "Benchmark", Body = Senders.Text },
        null, MaxMdSendCall.FieldNames.Outgoing, NullLogger.Instance);

    private MaxemailFormCall EncodeMaxemail()
    {
        var fields = MaxemailFormEncoder.Named(new KeyValuePair<string, object?>[]
        {
            new("toAddress", "reader@example.com"), new("fromAddress", "sender@simulator.example"), new("fromAlias", "Simulator"),
            new("subject", "Benchmark"), new("htmlContent", null), new("textContent", Senders.Text), new("options", null),
        }, "parameters");
        var body = MaxemailFormEncoder.Encode("send", fields);
        return new MaxemailFormCall(MaxemailCodec.ServiceUri(_maxemail.Endpoint!, "transactional"), _authorization, "transactional", "send", body, isIdempotent: false);
    }

    private MmsCall EncodeMms()
    {
        using var builder = new MmsRequestBuilder("sendSMS", _mms.ApiKey!);
        builder.Field("TO", "17743199144", "To").Field("FROM", "60856", "From").Field("TEXT", Senders.Text, "Text");
        return new MmsCall("sendSMS", builder.ToArray(), _mms, isIdempotent: false);
    }

    [Benchmark(Description = "maxmd encode")]
    public long MaxMdEncode()
    {
        using var request = EncodeMaxMd().CreateRequest();
        return request.Content!.Headers.ContentLength ?? 0;
    }

    [Benchmark(Description = "maxmd decode")]
    public async Task<bool> MaxMdDecode()
    {
        using var response = _maxmdExchange.CreateResponse();
        var outcome = await _maxmdCall.DecodeAsync(response, CancellationToken.None);
        return outcome.IsSuccess;
    }

    [Benchmark(Description = "maxemail encode")]
    public long MaxemailEncode()
    {
        using var request = EncodeMaxemail().CreateRequest();
        return request.Content!.Headers.ContentLength ?? 0;
    }

    [Benchmark(Description = "maxemail decode")]
    public async Task<bool> MaxemailDecode()
    {
        using var response = _maxemailExchange.CreateResponse();
        var outcome = await _maxemailCall.DecodeAsync(response, CancellationToken.None);
        return outcome.IsSuccess;
    }

    [Benchmark(Description = "mms encode")]
    public long MmsEncode()
    {
        using var request = EncodeMms().CreateRequest();
        return request.Content!.Headers.ContentLength ?? 0;
    }

    [Benchmark(Description = "mms decode")]
    public async Task<bool> MmsDecode()
    {
        using var response = _mmsExchange.CreateResponse();
        var outcome = await _mmsCall.DecodeAsync(response, CancellationToken.None);
        return outcome.IsSuccess;
    }
}
