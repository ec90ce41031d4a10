using System;

namespace MessagingClients.Transport;

/// <summary>The decoded value of a successful operation, with how many attempts and how long it took.</summary>
internal readonly record struct TransportResult<T>(T Value, int Attempts, TimeSpan Elapsed);
