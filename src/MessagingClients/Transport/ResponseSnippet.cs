using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.Transport;

/// <summary>Reads the start of an unexpected answer (an HTML page from a gateway, say) for an error message, without reading all of it.</summary>
internal static class ResponseSnippet
{
    public const int MaxChars = 200;

    public static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
#if NET8_0_OR_GREATER
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
            var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            using (stream)
            {
                var buffer = new byte[MaxChars * 4];
                var read = 0;
                while (read < buffer.Length)
                {
                    var n = await stream.ReadAsync(buffer, read, buffer.Length - read, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }

                return Shorten(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return "(the body could not be read: " + ex.Message + ")";
        }
    }

    /// <summary>Collapses white space and cuts the text to <see cref="MaxChars"/> characters.</summary>
    public static string Shorten(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxChars + 1));
        var lastWasSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (!lastWasSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            lastWasSpace = false;
            builder.Append(c);
            if (builder.Length >= MaxChars)
            {
                return builder.ToString().TrimEnd() + "…";
            }
        }

        return builder.ToString().TrimEnd();
    }
}
