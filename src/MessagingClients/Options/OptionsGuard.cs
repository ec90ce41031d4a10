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
}
