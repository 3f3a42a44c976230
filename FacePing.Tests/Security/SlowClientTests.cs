using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Security;

/// <summary>
/// The Api on real Kestrel (a loopback port) with short slow-client limits: a client that trickles its headers or its
/// body is disconnected instead of holding the connection; a body over the endpoint limit is 413 before it is read.
/// </summary>
public sealed class SlowClientTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly int _port = RedisServer.FreePort();
    private ApiFactory _api = null!;
    private string _key = "";

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _api = new ApiFactory(_redis.ConnectionString, new Dictionary<string, string?>
        {
            ["FacePing:Server:RequestHeadersTimeoutSeconds"] = "2",
            ["FacePing:Server:MinRequestBodyBytesPerSecond"] = "200",
            ["FacePing:Server:BodyGracePeriodSeconds"] = "2",
        });
        try
        {
            _api.UseKestrel(_port);
            await _api.StartAsync();
        }
        catch
        {
            // Do not rely on the runner to clean up after a failed start: no Redis process may be left behind.
            await _redis.DisposeAsync();
            throw;
        }
        using var admin = Client(ApiFactory.AdminKey);
        using var created = await admin.PostAsJsonAsync("/admin/keys", new { name = "slow" });
        _key = (await ApiTestData.Json(created, HttpStatusCode.Created)).GetProperty("key").GetString()!;
        using var tenant = Client(_key);
        await ApiTestData.CreateGroup(tenant, "g");
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _api.DisposeAsync();
        }
        finally
        {
            await _redis.DisposeAsync(); // even when the host failed to start or stop
        }
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{_port}"),
            Timeout = TimeSpan.FromSeconds(30)
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task A_trickled_body_is_cut_off()
    {
        var head = $"POST /groups/g/vector HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {_key}\r\n" +
                   "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"vectorString\":\"";
        var (elapsed, answer) = await Trickle(head, "1,");
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"connection held for {elapsed}");
        // Kestrel answers 408 when it can still write, otherwise it just closes.
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        using var tenant = Client(_key);
        Assert.Empty(await tenant.GetFromJsonAsync<string[]>("/groups/g/vectors") ?? ["x"]);
    }

    [Fact]
    public async Task Trickled_headers_are_cut_off()
    {
        var (elapsed, answer) = await Trickle("GET /groups HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", "a");
        Assert.True(elapsed < TimeSpan.FromSeconds(8), $"connection held for {elapsed}");
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    [Fact]
    public async Task A_declared_body_over_the_limit_is_413_before_it_is_sent()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _port);
        var stream = tcp.GetStream();
        var head = $"POST /groups/g/vector HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {_key}\r\n" +
                   "Content-Type: application/json\r\nContent-Length: 900000000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var answer = await ReadAnswer(stream, timeout.Token);
        Assert.StartsWith("HTTP/1.1 413", answer);
        Assert.Contains("application/problem+json", answer);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_and_normal_clients_are_served()
    {
        using var tenant = Client(_key);
        var big = new StreamContent(new MemoryStream(
            Encoding.ASCII.GetBytes("{\"vectorString\":\"" + new string('1', 9 * 1024 * 1024) + "\"}")));
        big.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/groups/g/vector") { Content = big };
        request.Headers.TransferEncodingChunked = true;
        using (var response = await tenant.SendAsync(request))
            await ProblemAssert.IsProblem(response, HttpStatusCode.RequestEntityTooLarge);

        using var ok = await tenant.PostAsync("/groups/g/vector", ApiTestData.RawJson("""{"vectorString":"1,2,3"}"""));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    /// <summary>
    /// Sends <paramref name="head"/>, then one <paramref name="piece"/> every 250 ms until the server closes.
    /// </summary>
    private async Task<(TimeSpan Elapsed, string Answer)> Trickle(string head, string piece)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _port);
        var stream = tcp.GetStream();
        var watch = Stopwatch.StartNew();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = ReadAnswer(stream, giveUp.Token);
        var bytes = Encoding.ASCII.GetBytes(piece);
        while (!read.IsCompleted && !giveUp.IsCancellationRequested)
        {
            try
            {
                await stream.WriteAsync(bytes, giveUp.Token);
            }
            catch (IOException)
            {
                break; // reset by the server
            }
            await Task.WhenAny(read, Task.Delay(250));
        }
        var answer = await read;
        return (watch.Elapsed, answer);
    }

    private static async Task<string> ReadAnswer(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var text = new StringBuilder();
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        catch (IOException)
        {
        }
        return text.ToString();
    }
}
