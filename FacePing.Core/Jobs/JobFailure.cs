namespace FacePing.Core.Jobs;

/// <summary>One file that could not be stored, with a reason the job's owner can act on.</summary>
public sealed record JobFailure(string FileName, string FileId, string Error);
