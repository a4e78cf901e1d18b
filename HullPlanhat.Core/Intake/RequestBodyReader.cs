using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace HullPlanhat.Core.Intake;

/// <summary>Reads a request body up to a limit, so an oversized body is a clear 413, not a host error.</summary>
public static class RequestBodyReader
{
    /// <returns>The body, or <c>null</c> when it exceeds <paramref name="maxBytes"/>.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        // The host's own limit would cut the body with a bare 413; this reader enforces ours instead.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = (long)maxBytes + 1;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 64 * 1024);
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A chunked body (no Content-Length) crossed the server's limit mid-read: still our 413 with its hint.
            return null;
        }

        return buffer.ToArray();
    }
}
