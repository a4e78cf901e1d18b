using System.Net.Mail;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>A plain address (<c>local@domain.tld</c>): no display name, no spaces, a dotted domain.</summary>
public static class EmailAddress
{
    private const int MaxLength = 254;

    public static bool IsValid(string text) =>
        text.Length <= MaxLength
        && !text.Any(char.IsWhiteSpace)
        && MailAddress.TryCreate(text, out var address)
        && address.Address == text
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.StartsWith('.') && !address.Host.EndsWith('.');
}
