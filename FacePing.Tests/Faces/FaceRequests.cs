using System.Net.Http.Headers;

namespace FacePing.Tests.Faces;

/// <summary>Multipart bodies as clients of the original service send them.</summary>
internal static class FaceRequests
{
    public static MultipartFormDataContent Form(params (string Field, byte[] Bytes)[] parts)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, bytes) in parts)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, field, field + ".jpg");
        }
        return form;
    }
}
