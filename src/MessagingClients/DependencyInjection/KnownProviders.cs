using System;
using System.Collections.Generic;

namespace MessagingClients;

/// <summary>The providers <c>AddMessagingClients(IConfiguration)</c> registers when their configuration section is present.</summary>
internal static class KnownProviders
{
    public static IReadOnlyList<(string SectionName, Action<MessagingClientsBuilder> Register)> All { get; } =
        new List<(string, Action<MessagingClientsBuilder>)>
        {
            // One line per provider.
            ("MaxMd", b => b.AddMaxMd()),
            ("Mms", b => b.AddMms()),
            ("Maxemail", b => b.AddMaxemail()),
        };
}
