using System.Text.Json;
using FacePing.Core.Jobs;
using FacePing.Ingestion.Notifications;

namespace FacePing.Tests.Ingestion;

/// <summary>What a job's callback and e-mail say: the original body for largest, faces counted too for all.</summary>
public sealed class JobSummaryTests
{
    private static JobView View(string faces) => new("job-1", "event", JobSource.Ftp, JobStatus.Completed, 3, 3, 2,
        [new JobFailure("dogs.jpg", "/dogs.jpg", "no face found")], null, DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch, null, 31, 5, faces);

    private static string[] Keys(JobSummary summary) =>
        [.. JsonDocument.Parse(JsonSerializer.Serialize(summary, new JsonSerializerOptions(JsonSerializerDefaults.Web)))
            .RootElement.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void A_largest_jobs_callback_keeps_the_original_body_and_an_all_jobs_counts_its_faces()
    {
        string[] original = ["totalFiles", "successCount", "failed", "jobId", "groupName", "status", "error"];
        var largest = JobSummary.From(View("largest"));
        Assert.Equal(original, Keys(largest));
        Assert.Contains("Faces stored:  2", JobEmail.Body(largest));

        var all = JobSummary.From(View("all"));
        Assert.Equal([.. original, "facesStored", "facesRejected"], Keys(all));
        Assert.Equal((31, 5), (all.FacesStored, all.FacesRejected));
        var body = JobEmail.Body(all);
        Assert.Contains("Photos stored: 2", body);
        Assert.Contains("Faces stored:  31 (5 too small or blurred)", body);
    }
}
