using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("FacePing.Tests")]
[assembly: InternalsVisibleTo("FacePing.Benchmarks")]
