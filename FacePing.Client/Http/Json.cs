using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace FacePing.Client.Http;

internal static class Json
{
    public static HttpContent Content<T>(T value, JsonTypeInfo<T> type) => JsonContent.Create(value, type);
}
