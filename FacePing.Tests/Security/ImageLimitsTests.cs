using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using FacePing.Tests.Api;
using FacePing.Tests.Faces;
using static FacePing.Tests.Faces.FaceRequests;

namespace FacePing.Tests.Security;

/// <summary>Decompression bombs through the public API, with the real Inference service behind it.</summary>
[Collection(FacesCollection.Name)]
public sealed class ImageLimitsTests(FacesFixture fixture)
{
    [Fact]
    public async Task A_png_header_claiming_100000_by_100000_pixels_is_413_everywhere()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        await ApiTestData.CreateGroup(client, "bombs");
        var bomb = PngHeader(100_000, 100_000);
        await Api.ApiTestData.WaitIndexerIdle(fixture.Redis.Db);
        var before = await fixture.Redis.Server.DatabaseSizeAsync();

        using (var generate = await client.PostAsync("/vector/generate", Form(("image", bomb))))
            await ProblemAssert.IsProblem(generate, HttpStatusCode.RequestEntityTooLarge);
        using (var store = await client.PostAsync("/groups/bombs/face", Form(("image", bomb))))
            await ProblemAssert.IsProblem(store, HttpStatusCode.RequestEntityTooLarge);
        using (var base64 = await client.PostAsJsonAsync("/groups/bombs/face/base64",
                   new { base64Image = "data:image/png;base64," + Convert.ToBase64String(bomb) }))
            await ProblemAssert.IsProblem(base64, HttpStatusCode.RequestEntityTooLarge);
        using (var search = await client.PostAsync("/groups/bombs/faces/search", Form(("queryImage", bomb))))
            await ProblemAssert.IsProblem(search, HttpStatusCode.RequestEntityTooLarge);
        using (var compare = await client.PostAsync("/faces/compare",
            Form(("Face1", FacesFixture.Crop("Willis", 0)), ("Face2", bomb))))
        {
            var problem = await ProblemAssert.IsProblem(compare, HttpStatusCode.RequestEntityTooLarge);
            Assert.Contains("Face2", problem.GetRawText());
        }
        Assert.Equal(before, await fixture.Redis.Server.DatabaseSizeAsync());
    }

    /// <summary>
    /// A PNG whose IHDR declares width×height RGB pixels, followed by a tiny IDAT: the header is all a bomb needs.
    /// </summary>
    internal static byte[] PngHeader(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
