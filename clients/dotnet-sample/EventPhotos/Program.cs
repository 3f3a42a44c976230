// The event-photo flow with FacePing.Client: create a group, import a folder of photos from FTP, wait for the job,
// then find a person's photos by a selfie. Configuration as any .NET app takes it, e.g.
//   ConnectionStrings__faceping="Endpoint=http://localhost:5080;Key=<tenant key>" \
//   dotnet run -- <ftp host> <ftp port> <user> <password> <selfie.jpg>
using FacePing.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

if (args.Length < 5)
{
    Console.Error.WriteLine("usage: EventPhotos <ftp host> <ftp port> <user> <password> <selfie.jpg>");
    return 2;
}
var builder = Host.CreateApplicationBuilder();
builder.AddFacePingClient("faceping");
using var host = builder.Build();
var faceping = host.Services.GetRequiredService<FacePingClient>();

var group = "event-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
await faceping.Groups.CreateAsync(group);
var import = await faceping.Jobs.StartFtpImportAsync(group, new FtpImport
{
    Host = args[0], Port = int.Parse(args[1]), Username = args[2], Password = args[3], FolderPath = "/",
});
var job = await faceping.Jobs.WaitAsync(import.JobId,
    progress: new Progress<Job>(j => Console.WriteLine($"job {j.Status}: {j.Processed}/{j.TotalFiles}")));
Console.WriteLine($"imported: {job.Status}, {job.SuccessCount} of {job.TotalFiles} photos stored");
foreach (var failure in job.Failed) Console.WriteLine($"not stored: {failure.FileName} ({failure.Error})");

try
{
    var selfie = FaceImage.FromFile(args[4]);
    var hits = await faceping.Faces.SearchAsync(group, selfie, new FaceSearchOptions { TopK = 3 });
    foreach (var hit in hits) Console.WriteLine($"found: {hit.Metadata["fileName"]} score {hit.Score:0.000}");
}
catch (FacePingException problem)
{
    Console.Error.WriteLine($"search refused: {problem.Status} {problem.Title}: {problem.Detail}");
    return 1;
}
return 0;
