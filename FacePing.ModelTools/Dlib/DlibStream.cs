using System.Buffers.Binary;
using System.Text;

namespace FacePing.ModelTools.Dlib;

/// <summary>
/// Decodes the primitive encodings of dlib's <c>serialize.h</c>: packed integers, <c>float_details</c> floats,
/// length-prefixed strings, '0'/'1' booleans and <c>dnn</c> tensors. The format carries no type tags, so the caller
/// must know what comes next; every method throws <see cref="InvalidDataException"/> with the offset on bad input.
/// </summary>
internal sealed class DlibStream(byte[] data)
{
    public int Position { get; set; }

    public int Length => data.Length;

    /// <summary>
    /// Integers are written as one control byte (low nibble = byte count 1..8, bit 0x80 = negative) followed by the
    /// magnitude in little-endian order. Signed and unsigned types share this layout, so one reader serves both.
    /// </summary>
    public long ReadInt()
    {
        int start = Position;
        byte control = ReadByte();
        int size = control & 0x0F;
        if (size is 0 or > 8)
            throw Error(start, $"bad integer control byte 0x{control:X2}");
        ulong magnitude = 0;
        for (int i = 0; i < size; i++)
            magnitude |= (ulong)ReadByte() << (8 * i);
        if (magnitude > long.MaxValue)
            throw Error(start, "integer does not fit in 63 bits");
        long value = (long)magnitude;
        return (control & 0x80) != 0 ? -value : value;
    }

    public int ReadInt32()
    {
        int start = Position;
        long value = ReadInt();
        return value is < int.MinValue or > int.MaxValue
            ? throw Error(start, $"integer {value} out of range")
            : (int)value;
    }

    /// <summary>
    /// Floats are <c>float_details</c>: a packed int64 mantissa and a packed int16 exponent, value = m·2^e, with
    /// exponents 32000/32001/32002 meaning +inf/−inf/NaN. dlib's pre-2015 ASCII float format (first byte has a bit
    /// in 0x70 set) is rejected rather than guessed at.
    /// </summary>
    public double ReadFloat()
    {
        int start = Position;
        if ((Peek() & 0x70) != 0)
            throw Error(start, "old ASCII float encoding is not supported");
        long mantissa = ReadInt();
        long exponent = ReadInt();
        return exponent switch
        {
            32000 => double.PositiveInfinity,
            32001 => double.NegativeInfinity,
            32002 => double.NaN,
            _ => Math.ScaleB(mantissa, (int)exponent),
        };
    }

    public string ReadString()
    {
        int start = Position;
        long length = ReadInt();
        if (length < 0 || length > Length - Position)
            throw Error(start, $"bad string length {length}");
        string value = Encoding.ASCII.GetString(data, Position, (int)length);
        Position += (int)length;
        return value;
    }

    /// <summary>dlib writes a bool as the ASCII character '1' or '0'.</summary>
    public bool ReadBool()
    {
        int start = Position;
        return ReadByte() switch
        {
            (byte)'1' => true,
            (byte)'0' => false,
            var b => throw Error(start, $"bad bool byte 0x{b:X2}"),
        };
    }

    /// <summary>
    /// A <c>resizable_tensor</c>: version 2, four packed dims (samples, k, rows, cols), then the values as raw
    /// little-endian IEEE float32 (dlib skips float_details here to keep model files compact).
    /// </summary>
    public DlibTensor ReadTensor()
    {
        int start = Position;
        long version = ReadInt();
        if (version != 2)
            throw Error(start, $"tensor version {version}, expected 2");
        var shape = new DlibShape(ReadInt(), ReadInt(), ReadInt(), ReadInt());
        long count = shape.Size;
        if (count < 0 || count * 4 > Length - Position)
            throw Error(start, $"tensor {shape} does not fit in the file");
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(Position, 4));
            Position += 4;
        }
        return new DlibTensor(shape, values);
    }

    /// <summary>
    /// An <c>alias_tensor</c> is only a shape (version 1 + four dims) describing a slice of a params tensor.
    /// </summary>
    public DlibShape ReadAliasShape()
    {
        int start = Position;
        long version = ReadInt();
        if (version != 1)
            throw Error(start, $"alias_tensor version {version}, expected 1");
        return new DlibShape(ReadInt(), ReadInt(), ReadInt(), ReadInt());
    }

    public InvalidDataException Error(int offset, string message) =>
        new($"dlib model: {message} at byte offset {offset}");

    private byte Peek() => Position < Length ? data[Position] : throw Error(Position, "unexpected end of file");

    private byte ReadByte()
    {
        byte b = Peek();
        Position++;
        return b;
    }
}

/// <summary>dlib tensor dimensions: num_samples × k (channels) × nr (rows) × nc (cols).</summary>
internal readonly record struct DlibShape(long N, long K, long Nr, long Nc)
{
    public long Size => N * K * Nr * Nc;

    public override string ToString() => $"{N}x{K}x{Nr}x{Nc}";
}

internal sealed record DlibTensor(DlibShape Shape, float[] Values);
