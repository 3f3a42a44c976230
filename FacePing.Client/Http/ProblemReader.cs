using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FacePing.Client.Http;

/// <summary>Turns an answer that is not a success into a <see cref="FacePingException"/>.</summary>
internal static class ProblemReader
{
    private static readonly HashSet<string> Standard = new(StringComparer.Ordinal)
    {
        "type", "title", "status", "detail", "instance", "errors",
    };

    public static async Task<FacePingException> ReadAsync(HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var title = response.ReasonPhrase is { Length: > 0 } reason ? reason : ((HttpStatusCode)status).ToString();
        string? detail = null, type = null, instance = null;
        Dictionary<string, string[]>? errors = null;
        Dictionary<string, JsonElement>? extensions = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var member in document.RootElement.EnumerateObject())
                    {
                        var value = member.Value;
                        switch (member.Name)
                        {
                            case "title" when value.ValueKind == JsonValueKind.String:
                                title = value.GetString()!;
                                break;
                            case "detail" when value.ValueKind == JsonValueKind.String:
                                detail = value.GetString();
                                break;
                            case "type" when value.ValueKind == JsonValueKind.String:
                                type = value.GetString();
                                break;
                            case "instance" when value.ValueKind == JsonValueKind.String:
                                instance = value.GetString();
                                break;
                            case "errors" when value.ValueKind == JsonValueKind.Object:
                                errors = ReadErrors(value);
                                break;
                            default:
                                if (!Standard.Contains(member.Name))
                                    (extensions ??= new(StringComparer.Ordinal))[member.Name] = value.Clone();
                                break;
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not a problem document after all (a proxy's page): the status line is all there is.
            }
        }
        return new FacePingException(status, title, detail, type, errors, RetryAfterOf(response), extensions,
            instance);
    }

    private static Dictionary<string, string[]> ReadErrors(JsonElement errors)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var field in errors.EnumerateObject())
        {
            result[field.Name] = field.Value.ValueKind switch
            {
                JsonValueKind.Array => [.. field.Value.EnumerateArray().Select(m => m.ToString())],
                _ => [field.Value.ToString()],
            };
        }
        return result;
    }

    /// <summary>The wait an answer asks for: <c>Retry-After</c> as seconds or as a date.</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response) => RetryAfterOf(response.Headers.RetryAfter);

    public static TimeSpan? RetryAfterOf(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
