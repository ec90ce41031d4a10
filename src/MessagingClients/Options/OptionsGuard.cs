using System;
using System.Linq;

namespace MessagingClients;

/// <summary>Validates options handed straight to a client constructor (no DI), with the same messages as start-up validation.</summary>
internal static class OptionsGuard
{
    public static T ThrowIfInvalid<T>(T options, string prefix)
        where T : MessagingClientOptions
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var failures = options.Validate(prefix).ToList();
        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid options: " + string.Join(" ", failures), nameof(options));
        }

        return options;
    }

    /// <summary>The one endpoint rule every provider shares: present, absolute, http or https. Null when valid.</summary>
    public static string? CheckEndpoint(string prefix, Uri? endpoint, string? example = null)
    {
        if (endpoint is null)
        {
            return $"{prefix}:Endpoint is required" + (example is null ? "." : $" (for example {example}).");
        }

        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            return $"{prefix}:Endpoint must be an absolute http or https URL (got '{endpoint.OriginalString}').";
        }

        return null;
    }
}
