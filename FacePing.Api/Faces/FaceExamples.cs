using FacePing.Contracts.Inference;

namespace FacePing.Api.Faces;

/// <summary>
/// Example answers for the OpenAPI document, from a real run on fixtures/faces/bald_guys.jpg (abridged).
/// </summary>
public static class FaceExamples
{
    private static readonly FaceQuality Good = new(0.97f, 149, 0.41f, 0.52f, -6.2f, 4.1f, 1.3f, []);
    private static readonly FaceQuality Tiny = new(0.04f, 19, 0.12f, 0.47f, 3.0f, -2.5f, 0.4f, ["small", "blurry"]);

    public static DetectFacesResponse Detect { get; } = new(2,
    [
        new(new FaceBoxResponse(1454, 71, 264, 349), 0.9999f,
            new FaceLandmarksResponse([1532.4f, 224.1f], [1637.9f, 219.6f], [1586.2f, 281.7f], [1545.0f, 339.2f],
                [1628.5f, 335.8f]), Good),
        new(new FaceBoxResponse(245, 945, 19, 26), 0.91f,
            new FaceLandmarksResponse([250.1f, 954.0f], [257.8f, 953.6f], [254.0f, 959.1f], [250.9f, 963.4f],
                [257.2f, 963.1f]), Tiny),
    ]);

    public static IdentifyFacesResponse Identify { get; } = new(2,
    [
        new(new FaceBoxResponse(1454, 71, 264, 349), 0.9999f, Good,
            [new IdentityMatchResponse("0193a2f4-5c1e-7b42-9d8e-2f6a1c3b4d5e", 0.8912f, true,
                new Dictionary<string, string> { ["person"] = "Johnson" })]),
        new(new FaceBoxResponse(245, 945, 19, 26), 0.91f, Tiny, []),
    ]);

    public static PhotoSearchResponse Photos { get; } = new(
    [
        new("5d0b8f0e-3c52-8a71-9e4f-0c2b7d9a1e36", "finish-line-0412.jpg", "/race/finish-line-0412.jpg",
            "9a41c7d2-6e0b-8f35-a1d8-4b7e2c90f513", 3, new FaceBoxResponse(812, 230, 96, 121), 0.8126f, true,
            new Dictionary<string, string>
            {
                ["source"] = "ftp", ["fileName"] = "finish-line-0412.jpg", ["fileId"] = "/race/finish-line-0412.jpg",
                ["photoId"] = "5d0b8f0e-3c52-8a71-9e4f-0c2b7d9a1e36", ["faceIndex"] = "3",
                ["faceBox"] = "812,230,96,121", ["jobId"] = "0193a2f45c1e7b429d8e2f6a1c3b4d5e",
                ["createdAt"] = "2026-12-07T16:40:12.512Z",
            }),
    ], 0.3843, 1);
}
