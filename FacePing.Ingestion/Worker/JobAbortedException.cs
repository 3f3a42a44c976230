namespace FacePing.Ingestion.Worker;

/// <summary>
/// The whole job cannot go on (folder unreadable, group deleted); the message becomes the job's error.
/// </summary>
public sealed class JobAbortedException(string message, Exception? inner = null) : Exception(message, inner);
