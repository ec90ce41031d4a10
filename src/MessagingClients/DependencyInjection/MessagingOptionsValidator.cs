using System.Linq;
using Microsoft.Extensions.Options;

namespace MessagingClients.DependencyInjection;

/// <summary>Start-up validation (<c>ValidateOnStart</c>) of a provider's options, with messages that name the setting.</summary>
internal sealed class MessagingOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : MessagingClientOptions
{
    private readonly string _prefix;

    public MessagingOptionsValidator(string prefix) => _prefix = prefix;

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = options.Validate(_prefix).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
