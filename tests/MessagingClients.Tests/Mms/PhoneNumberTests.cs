using MessagingClients.Mms;

namespace MessagingClients.Tests.Mms;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("+1 (774) 319-9144", null, "17743199144")]
    [InlineData("0044 20 7946 0958", null, "442079460958")]
    [InlineData("011 44 20 7946 0958", null, "442079460958")]
    [InlineData("17743199144", null, "17743199144")]
    [InlineData("+642111111", null, "642111111")]
    [InlineData("+44.20.7946.0958", null, "442079460958")]
    [InlineData(" +1\t774 319 9144 ", null, "17743199144")]
    [InlineData("642111111", "64", "642111111")]
    [InlineData("642111111", "+64", "642111111")]
    [InlineData("(774) 319-9144", "1", "17743199144")]
    [InlineData("020 7946 0958", "44", "442079460958")]
    [InlineData("0113 496 0000", "44", "441134960000")]
    [InlineData("06 1234 5678", "39", "390612345678")]
    [InlineData("+1 (774) 319-9144", "44", "17743199144")]
    [InlineData("17743199144", "44", "17743199144")]
    public void Normalizes_what_is_unambiguous(string input, string? country, string expected)
    {
        Assert.Equal(expected, PhoneNumber.Normalize(input, country).Value);
        Assert.True(PhoneNumber.TryNormalize(input, country, out var number));
        Assert.Equal(expected, number!.ToString());
    }

    [Theory]
    [InlineData("642111111", "could be a national number")]           // 9 bare digits: national or international? refused without a country code
    [InlineData("7743199144", "could be a national number")]
    [InlineData("020 7946 0958", "national number")]                     // trunk prefix 0 without a default country code
    [InlineData("1-800-FLOWERS", "letters")]
    [InlineData("+1 774 ABC 9144", "letters")]
    [InlineData("+1234567", "too short")]
    [InlineData("+1234567890123456", "too long")]
    [InlineData("00 0123 456 789", "country code")]
    [InlineData("+1 774 + 319", "'+'")]
    [InlineData("+1 774/319/9144", "'/'")]
    [InlineData("", "empty")]
    [InlineData("  - ( ) ", "empty")]
    public void Refuses_what_cannot_be_made_international(string input, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => PhoneNumber.Normalize(input));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal("value", error.ParamName);
        Assert.False(PhoneNumber.TryNormalize(input, out var number));
        Assert.Null(number);
    }

    [Fact]
    public void Error_messages_do_not_repeat_the_number()
    {
        var error = Assert.Throws<ArgumentException>(() => PhoneNumber.Normalize("7743199144"));
        Assert.DoesNotContain("7743199144", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1234")]
    [InlineData("x1")]
    [InlineData("")]
    public void A_bad_default_country_code_is_refused(string country)
    {
        var error = Assert.Throws<ArgumentException>(() => PhoneNumber.Normalize("+17743199144", country));
        Assert.Equal("defaultCountryCode", error.ParamName);
        Assert.False(PhoneNumber.TryNormalize("+17743199144", country, out _));
    }

    [Fact]
    public void Equal_numbers_are_equal()
    {
        Assert.Equal(PhoneNumber.Normalize("+1 774 319 9144"), PhoneNumber.Normalize("0017743199144"));
        Assert.Equal(PhoneNumber.Normalize("+1 774 319 9144").GetHashCode(), PhoneNumber.Normalize("17743199144").GetHashCode());
    }
}
