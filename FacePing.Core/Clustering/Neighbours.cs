namespace FacePing.Core.Clustering;

/// <summary>
/// The k nearest neighbours of every vector of a set by exact cosine similarity, best first (ties: lower index first).
/// Row i occupies <see cref="Index"/>[i·K … i·K + K); a set of fewer than K + 1 vectors leaves the rest at -1
/// (similarity NaN).
/// </summary>
public sealed class Neighbours
{
    public Neighbours(int count, int k)
    {
        Count = count;
        K = k;
        Index = new int[(long)count * k];
        Similarity = new float[(long)count * k];
        Index.AsSpan().Fill(-1);
        Similarity.AsSpan().Fill(float.NaN);
    }

    public int Count { get; }

    public int K { get; }

    public int[] Index { get; }

    public float[] Similarity { get; }

    /// <summary>Row <paramref name="i"/>'s neighbours (−1 past the last).</summary>
    public ReadOnlySpan<int> Of(int i) => Index.AsSpan(i * K, K);

    /// <summary>Row <paramref name="i"/>'s similarities, aligned with <see cref="Of"/>.</summary>
    public ReadOnlySpan<float> SimilaritiesOf(int i) => Similarity.AsSpan(i * K, K);

    /// <summary>Whether <paramref name="j"/> is among <paramref name="i"/>'s neighbours.</summary>
    public bool Contains(int i, int j) => Of(i).Contains(j);
}
