using System;
using System.Collections.Generic;
using System.Text.Json;

namespace MessagingClients.Maxemail;

/// <summary>
/// The answer of one Maxemail call: the decoded <see cref="Value"/>, the answer as received (<see cref="Json"/>), the
/// deprecation notices the answer carried (<see cref="Warnings"/>), and how many attempts it took.
/// Every call of <see cref="MaxemailClient"/> and its typed services returns this shape.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
public sealed class MaxemailResult<T>
{
    internal MaxemailResult(T value, JsonElement json, IReadOnlyList<MaxemailDeprecation> warnings, int attempts, TimeSpan elapsed)
    {
        Value = value;
        Json = json;
        Warnings = warnings;
        Attempts = attempts;
        Elapsed = elapsed;
    }

    /// <summary>
    /// The decoded result. Legacy methods that answer <c>false</c> or <c>null</c> give <c>null</c> here (or <c>false</c>
    /// for a <see cref="bool"/> result): that is an answer, not an error.
    /// </summary>
    public T Value { get; }

    /// <summary>The answer's JSON as received (an object, array, string, number, <c>true</c>, <c>false</c> or <c>null</c>).</summary>
    public JsonElement Json { get; }

    /// <summary>Deprecation notices (<c>Warning: 299 MxmApi/…</c>) on the answer; empty when there were none.</summary>
    public IReadOnlyList<MaxemailDeprecation> Warnings { get; }

    /// <summary>How many HTTP attempts the call took (1 when it succeeded at once).</summary>
    public int Attempts { get; }

    /// <summary>How long the call took, retries and waits for the rate limiter included.</summary>
    public TimeSpan Elapsed { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"MaxemailResult {{ Value = {Value}, Warnings = {Warnings.Count}, Attempts = {Attempts} }}";
}
