using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// Every timestamp the API writes has one shape, ISO-8601 UTC with milliseconds and a Z (<c>2026-11-25T22:55:48.707Z</c>),
/// whether a handler holds a DateTime or a DateTimeOffset.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
