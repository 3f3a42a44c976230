using System.Runtime.InteropServices;

namespace FacePing.Inference.Models;

/// <summary>
/// Makes the calling thread flush denormal floats to zero (x86 MXCSR bits FTZ and DAZ). ONNX Runtime's
/// <c>session.set_denormal_as_zero</c> reaches only its own pool threads and the first thread that creates a session;
/// but Run also computes on the calling thread, and MobileFaceNet's late layers are full of denormals: on a Kestrel
/// request thread without the bits it took 74–80 ms instead of 10 (the gap between the service over HTTP and the
/// pipeline measured in process). .NET has no API for MXCSR, so glibc's fegetenv/fesetenv set it, once per thread.
/// </summary>
internal static partial class DenormalFlush
{
    private const uint FlushToZero = 1u << 15;
    private const uint DenormalsAreZero = 1u << 6;
    // glibc's x86-64 fenv_t: the x87 environment (28 bytes), then MXCSR.
    private const int FenvSize = 32;
    private const int MxcsrOffset = 28;

    private static readonly bool Supported =
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [ThreadStatic]
    private static bool t_set;

    public static void OnThisThread()
    {
        if (t_set || !Supported) return;
        Span<byte> env = stackalloc byte[FenvSize];
        if (GetEnvironment(ref MemoryMarshal.GetReference(env)) == 0)
        {
            var mxcsr = MemoryMarshal.Read<uint>(env[MxcsrOffset..]) | FlushToZero | DenormalsAreZero;
            MemoryMarshal.Write(env[MxcsrOffset..], in mxcsr);
            SetEnvironment(ref MemoryMarshal.GetReference(env));
        }
        t_set = true;
    }

    [LibraryImport("libm.so.6", EntryPoint = "fegetenv")]
    private static partial int GetEnvironment(ref byte env);

    [LibraryImport("libm.so.6", EntryPoint = "fesetenv")]
    private static partial int SetEnvironment(ref byte env);
}
