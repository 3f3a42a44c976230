using System.Runtime.CompilerServices;

namespace FacePing.Tests.Infrastructure;

/// <summary>
/// Every Api and Ingestion host the tests start (in-process or as AppHost processes) seals and unseals secrets with
/// one Data Protection key ring, as a deployment's services share theirs: the directory is set once, for the whole
/// test process, through the environment the hosts read their configuration from.
/// </summary>
public static class TestKeyRing
{
    public static string Directory { get; } = Path.Combine(RepoPaths.Root, ".cache", "test-data-protection-keys");

    [ModuleInitializer]
    internal static void ShareAcrossHosts() =>
        Environment.SetEnvironmentVariable("FacePing__Secrets__KeyDirectory", Directory);
}
