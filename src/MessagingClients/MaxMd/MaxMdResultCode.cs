namespace MessagingClients.MaxMd;

/// <summary>The <c>code</c> in a MaxMD answer. A value not listed here is kept as its number.</summary>
public enum MaxMdResultCode
{
    /// <summary>0: the request succeeded (a send was accepted and saved to <c>INBOX.Sent</c>).</summary>
    Success = 0,

    /// <summary>1: the user name or password was refused.</summary>
    AuthenticationFailed = 1,

    /// <summary>2: an address (sender or recipient) was refused.</summary>
    AddressError = 2,

    /// <summary>3: another error; the answer's message says which.</summary>
    OtherError = 3,

    /// <summary>4: another error (MaxMD documents 3 and 4 alike); the answer's message says which.</summary>
    OtherErrorAlternate = 4,

    /// <summary>999: an implementer configuration or business error while the MaxMD service is up; fix the account or the request.</summary>
    ConfigurationOrBusinessError = 999,
}
