namespace FacePing.Console.Services;

public static class ConsoleServiceExtensions
{
    /// <summary>
    /// The signed-in key of each circuit and the Api's client (FacePing.Client), found through service discovery.
    /// </summary>
    public static IHostApplicationBuilder AddConsoleServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ApiKeySession>();
        builder.Services.AddScoped<FacePingApi>();
        // "api" is the AppHost's resource name; its URL comes from services:api:http:0. Each circuit calls with its own
        // signed-in key (FacePingApi), so none is configured here.
        builder.AddFacePingClient("api", options =>
        {
            // The console shows what the Api answered, a 429 or 503 with its Retry-After included, and the person
            // decides; waiting it out behind their back would freeze the page instead.
            options.MaxRetries = 0;
            // A crowd photo through the whole pipeline takes a second or two; a stuck Api must not hold a page.
            options.Timeout = TimeSpan.FromSeconds(60);
        });
        return builder;
    }
}
