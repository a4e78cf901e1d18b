using System.Buffers.Text;
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
}
