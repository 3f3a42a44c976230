using FacePing.Core.Vectors;

namespace FacePing.Core.Clustering;

/// <summary>
/// A set of vectors as int8 codes laid out for all-pairs dot products (<see cref="PairKernels"/>): every vector twice,
/// once as a row (its codes + 128 as unsigned bytes, which AVX-VNNI's <c>vpdpbusd</c> wants on one side) and once as a
/// column of a panel (8 vectors interleaved in groups of 4 dimensions, so one 256-bit load holds dimensions 4g…4g+3
/// of 8 vectors, one per 32-bit lane). A row's 4 bytes broadcast against a panel give 8 dot products at once with no
/// horizontal sums. With c = code: Σ (a + 128)·b = a·b + <see cref="Offsets"/>[b], and cosine ≈ a·b × both
/// <see cref="Scales"/> (error about 1e-3 on 640-d unit vectors; <see cref="Int8Codes"/>).
/// Counts are padded to a multiple of <see cref="Block"/> with zero vectors (scale 0) that score 0.
/// </summary>
internal sealed class PairCodes
{
    /// <summary>Rows and columns per unit of work: a multiple of the kernel's 6 rows and 16 columns.</summary>
    public const int Block = 384;

    public const int TileRows = 6;
    public const int TileColumns = 16;
    public const int PanelWidth = 8;

    private PairCodes(int count, int dimensions)
    {
        Count = count;
        Dimensions = dimensions;
        Groups = (dimensions + 3) / 4;
        Padded = Math.Max(Block, (count + Block - 1) / Block * Block);
        Rows = new byte[(long)Padded * RowBytes];
        Panels = new sbyte[(long)Padded * RowBytes];
        Scales = new float[Padded];
        Offsets = new int[Padded];
    }

    public int Count { get; }
    public int Dimensions { get; }

    /// <summary>Groups of 4 dimensions (the last one zero-padded).</summary>
    public int Groups { get; }

    public int Padded { get; }
    public int RowBytes => Groups * 4;

    /// <summary>Padded × RowBytes: code + 128 (padding 128, a code of 0).</summary>
    public byte[] Rows { get; }

    /// <summary>
    /// Padded / 8 panels of Groups × 32 bytes: byte 4·lane + b of group g is dimension 4g + b of vector 8p + lane.
    /// </summary>
    public sbyte[] Panels { get; }

    /// <summary>Per vector: cosine ≈ (a·b) × Scales[a] × Scales[b]; 0 for zero vectors and padding.</summary>
    public float[] Scales { get; }

    /// <summary>Per vector: 128 × the sum of its codes (what a row's +128 adds to a dot product with it).</summary>
    public int[] Offsets { get; }

    /// <summary>Encodes <paramref name="count"/> vectors of <paramref name="dimensions"/> floats, in a row.</summary>
    public static PairCodes Encode(float[] vectors, int count, int dimensions, int threads)
    {
        if (vectors.LongLength < (long)count * dimensions)
            throw new ArgumentException("Fewer floats than count × dimensions.");
        var codes = new PairCodes(count, dimensions);
        codes.Rows.AsSpan().Fill(128);
        // Ranges of whole panels: each thread writes its own cache lines.
        var ranges = Math.Max(1, Math.Min(threads * 4, count / 1024));
        var size = (count + ranges - 1) / ranges / PanelWidth * PanelWidth + PanelWidth;
        Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, r =>
        {
            var scratch = new sbyte[codes.RowBytes];
            for (var i = r * size; i < Math.Min(count, (r + 1) * size); i++)
            {
                scratch.AsSpan().Clear();
                var vector = vectors.AsSpan(i * dimensions, dimensions);
                codes.Scales[i] = Int8Codes.Encode(vector, scratch.AsSpan(0, dimensions));
                codes.Store(i, scratch);
            }
        });
        return codes;
    }

    private void Store(int index, ReadOnlySpan<sbyte> code)
    {
        var row = Rows.AsSpan(index * RowBytes, RowBytes);
        var panel = Panels.AsSpan(index / PanelWidth * RowBytes * PanelWidth, RowBytes * PanelWidth);
        var lane = index % PanelWidth;
        var sum = 0;
        for (var d = 0; d < RowBytes; d++)
        {
            sum += code[d];
            row[d] = (byte)(code[d] + 128);
            panel[d / 4 * 32 + lane * 4 + d % 4] = code[d];
        }
        Offsets[index] = 128 * sum;
    }
}
