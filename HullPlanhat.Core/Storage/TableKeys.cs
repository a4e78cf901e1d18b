using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Table keys may not contain '/', '\', '#', '?' or control characters; ids from Hull and
/// Planhat are user data, so any key built from them is encoded (URL-safe base64 when needed).
/// </summary>
public static class TableKeys
{
    public static string Encode(string value)
    {
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' or ':'))
        {
            return value;
        }

        return "~" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>
    /// <see cref="Encode"/>, or for a value whose encoding is longer than <paramref name="maxLength"/>
    /// (keys are capped at 1 KiB) <c>!</c> + its SHA-256: short values keep the keys they always had.
    /// </summary>
    public static string EncodeBounded(string value, int maxLength = 200)
    {
        var encoded = Encode(value);
        return encoded.Length <= maxLength ? encoded : "!" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }
}
