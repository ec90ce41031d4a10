using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace MessagingClients.Mms;

/// <summary>
/// A phone number in the international format the MMS/SMS API requires: country code and subscriber number, digits only,
/// no <c>+</c> and no dialing prefix (<c>17743199144</c>). <see cref="Normalize(string, string)"/> turns what is unambiguous into that form
/// and refuses the rest, so that a message is never routed to the wrong country.
/// </summary>
/// <remarks>
/// <para>Rules, in order:</para>
/// <list type="number">
/// <item>Spaces (any white space), dashes, dots and parentheses are removed. Letters are refused (vanity numbers such as
/// <c>1-800-FLOWERS</c> are not converted); so is any other character, and a <c>+</c> anywhere but at the start.</item>
/// <item>A leading <c>+</c>, <c>00</c> or <c>011</c> is an international dialing prefix and is removed; what follows is
/// the international number. (<c>011</c> is the North American exit code: when a default country code other than
/// <c>1</c> is given, a leading <c>011</c> is read as a national number with trunk prefix <c>0</c> instead, because
/// numbers such as UK <c>0113 496 0000</c> begin that way.)</item>
/// <item>A leading single <c>0</c> is a national trunk prefix: the number is national and needs a default country code,
/// which replaces the <c>0</c> (<c>020 7946 0958</c> with <c>44</c> → <c>442079460958</c>; for Italy, <c>39</c>, the
/// <c>0</c> is part of the number and is kept).</item>
/// <item>Bare digits (no prefix, no trunk <c>0</c>) of 11 digits or more are taken as already international, which is
/// the API's own format (<c>17743199144</c>).</item>
/// <item>Bare digits of 10 digits or fewer are ambiguous: <c>7743199144</c> is a US national number, <c>642111111</c> a New
/// Zealand international one. With a default country code, digits that already begin with it are taken as international
/// (<c>642111111</c> with <c>64</c>), others as national (<c>7743199144</c> with <c>1</c> → <c>17743199144</c>). Without a
/// default country code they are refused: write them with a <c>+</c>.</item>
/// <item>The result must have 8 to 15 digits (E.164 allows at most 15) and must not begin with <c>0</c>.</item>
/// </list>
/// <para>No per-country numbering plan is checked: a number of the right shape for a country that does not have it is
/// passed on, and the provider answers <c>E110</c>. Error messages say what is wrong without repeating the number, which is
/// personal data.</para>
/// </remarks>
public sealed class PhoneNumber : IEquatable<PhoneNumber>
{
    /// <summary>The fewest digits an international number may have here (country code included).</summary>
    public const int MinDigits = 8;

    /// <summary>The most digits an international number may have (E.164).</summary>
    public const int MaxDigits = 15;

    /// <summary>Bare digit strings of at least this length are taken as already international.</summary>
    internal const int UnambiguousDigits = 11;

    private PhoneNumber(string value) => Value = value;

    /// <summary>The number in international format: digits only, country code first, no <c>+</c>.</summary>
    public string Value { get; }

    /// <summary>Normalizes <paramref name="value"/> to international format, or throws.</summary>
    /// <param name="value">The number as a person would write it: <c>+1 (774) 319-9144</c>, <c>0044 20 7946 0958</c>, <c>17743199144</c>.</param>
    /// <param name="defaultCountryCode">The country code for national numbers (<c>1</c>, <c>44</c>, <c>+64</c>), or null to refuse them.</param>
    /// <returns>The normalized number.</returns>
    /// <exception cref="ArgumentException">The number cannot be made international unambiguously; the message says why.</exception>
    public static PhoneNumber Normalize(string value, string? defaultCountryCode = null) =>
        Normalize(value, defaultCountryCode, nameof(value));

    /// <summary>Tries to normalize <paramref name="value"/> to international format.</summary>
    /// <param name="value">The number as a person would write it.</param>
    /// <param name="number">The normalized number, or null.</param>
    /// <returns>True when the number could be normalized.</returns>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out PhoneNumber? number) =>
        TryNormalize(value, null, out number);

    /// <summary>Tries to normalize <paramref name="value"/> to international format.</summary>
    /// <param name="value">The number as a person would write it.</param>
    /// <param name="defaultCountryCode">The country code for national numbers, or null to refuse them.</param>
    /// <param name="number">The normalized number, or null.</param>
    /// <returns>True when the number could be normalized.</returns>
    public static bool TryNormalize(string? value, string? defaultCountryCode, [NotNullWhen(true)] out PhoneNumber? number)
    {
        number = null;
        if (value is null || CountryCode(defaultCountryCode, out var country) is not null)
        {
            return false;
        }

        if (Parse(value, country, out var digits) is not null)
        {
            return false;
        }

        number = new PhoneNumber(digits!);
        return true;
    }

    /// <summary>The same as <see cref="Normalize(string, string?)"/>, with the failure naming <paramref name="paramName"/>.</summary>
    internal static PhoneNumber Normalize(string? value, string? defaultCountryCode, string paramName)
    {
        if (value is null)
        {
            throw new ArgumentNullException(paramName, paramName + " is required: a phone number in international format.");
        }

        if (CountryCode(defaultCountryCode, out var country) is { } countryError)
        {
            throw new ArgumentException(countryError, nameof(defaultCountryCode));
        }

        if (Parse(value, country, out var digits) is { } error)
        {
            throw new ArgumentException(paramName + " " + error, paramName);
        }

        return new PhoneNumber(digits!);
    }

    /// <summary>Checks a default country code: 1–3 digits, not starting with 0, an optional leading <c>+</c>. Returns the problem or null.</summary>
    internal static string? CountryCode(string? value, out string? digits)
    {
        digits = null;
        if (value is null)
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length > 0 && text[0] == '+')
        {
            text = text.Substring(1);
        }

        if (text.Length is < 1 or > 3 || text[0] == '0' || !IsDigits(text))
        {
            return "The default country code must be 1 to 3 digits not starting with 0 (for example 1, 44, 64).";
        }

        digits = text;
        return null;
    }

    /// <summary>Normalizes; returns the problem (a sentence starting lower-case, after the field name) or null.</summary>
    internal static string? Parse(string value, string? country, out string? result)
    {
        result = null;
        var digits = new StringBuilder(value.Length);
        var plus = false;
        foreach (var c in value)
        {
            if (c is >= '0' and <= '9')
            {
                digits.Append(c);
            }
            else if (char.IsWhiteSpace(c) || c is '-' or '.' or '(' or ')')
            {
                continue;
            }
            else if (c == '+' && digits.Length == 0 && !plus)
            {
                plus = true;
            }
            else if (char.IsLetter(c))
            {
                return "contains letters; a phone number has digits only (vanity numbers are not converted).";
            }
            else
            {
                return c == '+'
                    ? "has a '+' that is not at the start."
                    : "contains the character '" + c + "' (U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) + "); only digits, spaces, dashes, dots, parentheses and a leading '+' are allowed.";
            }
        }

        if (digits.Length == 0)
        {
            return "is empty; a phone number in international format is required.";
        }

        var text = digits.ToString();
        string international;
        if (plus)
        {
            international = text;
        }
        else if (text.StartsWith("00", StringComparison.Ordinal))
        {
            international = text.Substring(2);
        }
        else if (text.StartsWith("011", StringComparison.Ordinal) && (country is null || country == "1"))
        {
            international = text.Substring(3);
        }
        else if (text[0] == '0')
        {
            if (country is null)
            {
                return "is a national number (it starts with the trunk prefix 0); write it in international format or configure DefaultCountryCode.";
            }

            international = country + (country == "39" ? text : text.Substring(1));
        }
        else if (text.Length >= UnambiguousDigits)
        {
            international = text;
        }
        else if (country is null)
        {
            return "has " + text.Length.ToString(CultureInfo.InvariantCulture)
                + " digits and no international prefix, so it could be a national number; write it with a leading '+' and its country code, or configure DefaultCountryCode.";
        }
        else
        {
            international = text.StartsWith(country, StringComparison.Ordinal) ? text : country + text;
        }

        if (international.Length == 0 || international[0] == '0')
        {
            return "has no valid country code after the international prefix (a country code never starts with 0).";
        }

        if (international.Length < MinDigits)
        {
            return "is too short: " + international.Length.ToString(CultureInfo.InvariantCulture)
                + " digits, where an international number has " + MinDigits.ToString(CultureInfo.InvariantCulture) + " to " + MaxDigits.ToString(CultureInfo.InvariantCulture) + " (country code included).";
        }

        if (international.Length > MaxDigits)
        {
            return "is too long: " + international.Length.ToString(CultureInfo.InvariantCulture)
                + " digits, where an international number has at most " + MaxDigits.ToString(CultureInfo.InvariantCulture) + " (E.164).";
        }

        result = international;
        return null;
    }

    internal static bool IsDigits(string text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return text.Length > 0;
    }

    /// <inheritdoc />
    public bool Equals(PhoneNumber? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PhoneNumber other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>The number in international format (<see cref="Value"/>).</summary>
    /// <returns>The digits.</returns>
    public override string ToString() => Value;
}
