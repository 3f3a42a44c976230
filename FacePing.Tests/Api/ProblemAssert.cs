using System.Net;
using System.Text.Json;

namespace FacePing.Tests.Api;

/// <summary>Checks an answer is an RFC 9457 problem with the expected status, and returns its JSON.</summary>
internal static class ProblemAssert
{
    public static async Task<JsonElement> IsProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("title").GetString()));
        Assert.True(json.TryGetProperty("type", out _), "problem has no type");
        Assert.DoesNotContain("   at ", body); // never a stack trace
        return json;
    }

    /// <summary>A 400 whose <c>errors</c> has every given field.</summary>
    public static async Task<JsonElement> IsValidation(HttpResponseMessage response, params string[] fields)
    {
        var json = await IsProblem(response, HttpStatusCode.BadRequest);
        Assert.True(json.TryGetProperty("errors", out var errors), "validation problem without errors: " + json);
        foreach (var field in fields)
            Assert.True(errors.TryGetProperty(field, out _), $"errors lack '{field}': {errors}");
        Assert.False(string.IsNullOrEmpty(json.GetProperty("detail").GetString()));
        return json;
    }
}
