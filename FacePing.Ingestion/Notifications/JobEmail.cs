using System.Globalization;
using System.Text;
using FacePing.Core.Jobs;

namespace FacePing.Ingestion.Notifications;

/// <summary>The notification e-mail's subject and plain-text body: the callback's facts, for people.</summary>
public static class JobEmail
{
    public static string Subject(JobSummary summary) => summary.Status == JobStatus.Completed
        ? $"FacePing import of group {summary.GroupName} completed: " +
            $"{summary.SuccessCount} of {summary.TotalFiles} files stored"
        : $"FacePing import of group {summary.GroupName} failed";

    public static string Body(JobSummary summary)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture,
            $"Your FacePing folder import into group \"{summary.GroupName}\" has {summary.Status}.");
        text.AppendLine();
        if (summary.Error is not null)
        {
            text.AppendLine(culture, $"Error: {summary.Error}");
            text.AppendLine();
        }
        text.AppendLine(culture, $"Job:           {summary.JobId}");
        text.AppendLine(culture, $"Status:        {summary.Status}");
        text.AppendLine(culture, $"Image files:   {summary.TotalFiles}");
        if (summary.FacesStored is { } faces)
        {
            // Every face of each photo: photos and faces counted apart.
            text.AppendLine(culture, $"Photos stored: {summary.SuccessCount}");
            text.AppendLine(culture, $"Faces stored:  {faces} ({summary.FacesRejected} too small or blurred)");
        }
        else
        {
            text.AppendLine(culture, $"Faces stored:  {summary.SuccessCount}");
        }
        text.AppendLine(culture, $"Failed files:  {summary.Failed.Count}");
        if (summary.Failed.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Files that were not stored:");
            foreach (var failure in summary.Failed)
                text.AppendLine(culture, $"- {failure.FileName} (id {failure.FileId}): {failure.Error}");
        }
        return text.ToString();
    }
}
