using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// Every timestamp the API writes has one shape, ISO-8601 UTC with milliseconds and a Z
/// (<c>2026-11-25T22:55:48.707Z</c>), whether a handler holds a DateTime or a DateTimeOffset.
/// </summary>
public static class UtcTimestampConverters
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static void AddTo(JsonSerializerOptions options)
    {
        options.Converters.Add(new OffsetConverter());
        options.Converters.Add(new DateTimeConverter());
    }

    private sealed class OffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert,
            JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
    }

    private sealed class DateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTime();

        // Unspecified kinds are the store's UTC values read back without a zone.
        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue((value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value)
                .ToString(Format, CultureInfo.InvariantCulture));
    }
}
