using System;
using System.Diagnostics.CodeAnalysis;

namespace MessagingClients.Mms;

/// <summary>How <c>TO</c>, <c>FROM</c> and <c>FROM_MASK</c> values are checked and normalized before anything is sent.</summary>
internal static class MmsAddresses
{
    public const int MinShortCodeDigits = 3;
    public const int MaxShortCodeDigits = 8;
    public const int MaxFromMaskLength = 11;

    /// <summary>A recipient: always a phone number, normalized to international format.</summary>
    public static string To(string? value, string? country, string paramName = "To") =>
        PhoneNumber.Normalize(value, country, paramName).Value;

    /// <summary>
    /// A sender: a short code (3–8 bare digits, sent as given) or a long code (normalized like a recipient).
    /// Falls back to <paramref name="defaultFrom"/>; throws <see cref="ArgumentException"/> naming <paramref name="paramName"/>.
    /// </summary>
    public static string From(string? value, string? defaultFrom, string? country, string paramName = "From")
    {
        var from = string.IsNullOrWhiteSpace(value) ? defaultFrom : value;
        if (from is null)
        {
            throw new ArgumentException(paramName + " is required when DefaultFrom is not configured: a short code or a long code.", paramName);
        }

        if (TryFrom(from, country, out var normalized, out var error))
        {
            return normalized;
        }

        throw new ArgumentException(paramName + " " + error, paramName);
    }

    public static bool TryFrom(string value, string? country, [NotNullWhen(true)] out string? normalized, out string? error)
    {
        normalized = null;
        error = null;
        var trimmed = value.Trim();
        if (PhoneNumber.IsDigits(trimmed) && trimmed[0] != '0' && trimmed.Length >= MinShortCodeDigits && trimmed.Length <= MaxShortCodeDigits)
        {
            normalized = trimmed;
            return true;
        }

        foreach (var c in trimmed)
        {
            if (char.IsLetter(c))
            {
                error = "contains letters; FROM is a short code or a long code. Put an alphanumeric sender ID in FromMask.";
                return false;
            }
        }

        var problem = PhoneNumber.Parse(trimmed, country, out var digits);
        if (problem is not null || digits is null)
        {
            error = "is neither a short code (3–8 digits) nor a phone number that can be made international: it " + problem;
            return false;
        }

        normalized = digits;
        return true;
    }

    /// <summary>An alphanumeric sender ID: 1–11 of a–z, A–Z, 0–9, <c>_</c>, <c>-</c>, and not digits only.</summary>
    public static string? FromMask(string? value, string paramName = "FromMask")
    {
        if (value is null)
        {
            return null;
        }

        var ok = value.Length is >= 1 and <= MaxFromMaskLength && !PhoneNumber.IsDigits(value);
        foreach (var c in value)
        {
            ok &= c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-';
        }

        return ok
            ? value
            : throw new ArgumentException(paramName + " must be 1 to 11 characters of a–z, A–Z, 0–9, '_' or '-', and not digits only.", paramName);
    }
}
