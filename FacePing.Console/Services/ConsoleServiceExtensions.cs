namespace FacePing.Console.Services;

public static class ConsoleServiceExtensions
{
    /// <summary>
    /// The signed-in key of each circuit and the typed client of the Api, found through service discovery.
    /// </summary>
    public static IHostApplicationBuilder AddConsoleServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ApiKeySession>();
        var api = builder.Services.AddHttpClient<FacePingApi>(http =>
        {
            // "api" is the AppHost's resource name; its URL comes from services:api:http:0.
            http.BaseAddress = new Uri("http://api");
            // A crowd photo through the whole pipeline takes a second or two; a stuck Api must not hold a page.
            http.Timeout = TimeSpan.FromSeconds(60);
        });
        // The console shows what the Api answered, a 429 or 503 with its Retry-After included; the shared defaults
        // would retry those (and resend a photo) behind the person's back. The removal API is still marked
        // experimental, but it is the documented way to opt one client out of ConfigureHttpClientDefaults.
#pragma warning disable EXTEXP0001
        api.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
