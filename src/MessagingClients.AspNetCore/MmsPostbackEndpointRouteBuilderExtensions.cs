using System;
using MessagingClients.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the MMS postback endpoint.</summary>
public static class MmsPostbackEndpointRouteBuilderExtensions
{
    /// <summary>The default route, <c>/postbacks/mms</c>.</summary>
    public const string DefaultPattern = "/postbacks/mms";

    /// <summary>
    /// Maps <c>POST</c> <paramref name="pattern"/> to the MMS postback receiver registered with
    /// <c>services.AddMmsPostbackReceiver(...)</c>: 403 for a source not allowed, 415 for a content type that is not XML,
    /// 413 for a body over the cap, 503 when the postback cannot be stored, otherwise 200 once it is stored (unparseable
    /// bodies and redeliveries included). Behind a reverse proxy call <c>app.UseForwardedHeaders()</c> first.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="pattern">The route (default <c>/postbacks/mms</c>).</param>
    /// <returns>The endpoint's builder (add metadata, host filters …; do not add authentication the provider cannot pass).</returns>
    public static IEndpointConventionBuilder MapMmsPostbacks(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var receiver = endpoints.ServiceProvider.GetService<MmsPostbackReceiver>()
            ?? throw new InvalidOperationException("Call services.AddMmsPostbackReceiver(...) before app.MapMmsPostbacks(...).");
        return endpoints.MapPost(pattern, (RequestDelegate)receiver.ReceiveAsync).WithDisplayName("MMS postbacks");
    }
}
