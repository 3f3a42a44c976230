namespace FacePing.Core.Storage.Scan;

/// <summary>
/// The best <c>capacity</c> (score, slot) pairs seen so far: a min-heap on score, so the common case during a scan (a
/// score below the current worst kept) costs one comparison.
/// </summary>
internal sealed class TopCandidates(int capacity)
{
    private readonly float[] _scores = new float[capacity];
    private readonly int[] _slots = new int[capacity];

    public int Count { get; private set; }

    /// <summary>The lowest score kept once full; below it nothing can enter.</summary>
    public float Threshold => Count < _scores.Length ? float.NegativeInfinity : _scores[0];

    public void Offer(float score, int slot)
    {
        if (Count < _scores.Length)
        {
            var i = Count++;
            _scores[i] = score;
            _slots[i] = slot;
            SiftUp(i);
        }
        else if (score > _scores[0])
        {
            _scores[0] = score;
            _slots[0] = slot;
            SiftDown(0);
        }
    }

    public void AddFrom(TopCandidates other)
    {
        for (var i = 0; i < other.Count; i++) Offer(other._scores[i], other._slots[i]);
    }

    /// <summary>The kept slots in no particular order.</summary>
    public ReadOnlySpan<int> Slots() => _slots.AsSpan(0, Count);

    /// <summary>The kept slots, best score first.</summary>
    public int[] SlotsBestFirst()
    {
        var order = new int[Count];
        for (var i = 0; i < Count; i++) order[i] = i;
        Array.Sort(order, (a, b) => _scores[b].CompareTo(_scores[a]));
        for (var i = 0; i < order.Length; i++) order[i] = _slots[order[i]];
        return order;
    }

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (_scores[parent] <= _scores[i]) return;
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = 2 * i + 1;
            if (left >= Count) return;
            var smallest = left + 1 < Count && _scores[left + 1] < _scores[left] ? left + 1 : left;
            if (_scores[i] <= _scores[smallest]) return;
            Swap(i, smallest);
            i = smallest;
        }
    }

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
    }
}
