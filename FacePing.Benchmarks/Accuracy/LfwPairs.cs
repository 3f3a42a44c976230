using System.Globalization;

namespace FacePing.Benchmarks.Accuracy;

/// <summary>
/// One LFW pair: two image paths relative to the LFW folder, whether they show one person, and its fold.
/// </summary>
public sealed record LfwPair(string First, string Second, bool Same, int Fold);

/// <summary>
/// Reads LFW pair lists. View 2 (<c>pairs.txt</c>): a header "folds n", then per fold n genuine lines
/// <c>name i j</c> and n impostor lines <c>name1 i name2 j</c>. View 1 (<c>pairsDevTrain.txt</c>,
/// <c>pairsDevTest.txt</c>): an optional count line, then genuine and impostor lines; its pairs get fold −1.
/// Image i of a person is <c>name/name_%04d.jpg</c>.
/// </summary>
public static class LfwPairs
{
    public static IReadOnlyList<LfwPair> ReadView2(string path)
    {
        var lines = ReadLines(path);
        var head = Split(lines[0]);
        if (head.Length != 2)
            throw new InvalidDataException($"{path}: the first line must be '<folds> <pairs per fold>'.");
        int folds = Parse(head[0], path), perFold = Parse(head[1], path);
        if (lines.Count != 1 + folds * perFold * 2)
        {
            throw new InvalidDataException(
                $"{path}: expected {folds * perFold * 2} pair lines after the header, found {lines.Count - 1}.");
        }
        var pairs = new List<LfwPair>(folds * perFold * 2);
        var next = 1;
        for (var fold = 0; fold < folds; fold++)
        {
            for (var i = 0; i < 2 * perFold; i++)
                pairs.Add(ParsePair(lines[next++], fold, path, expectSame: i < perFold));
        }
        return pairs;
    }

    public static IReadOnlyList<LfwPair> ReadView1(string path)
    {
        var lines = ReadLines(path);
        var start = Split(lines[0]).Length == 1 ? 1 : 0;
        return [.. lines.Skip(start).Select(l => ParsePair(l, -1, path, expectSame: null))];
    }

    public static string ImagePath(string name, int index) => $"{name}/{name}_{index:D4}.jpg";

    private static LfwPair ParsePair(string line, int fold, string path, bool? expectSame)
    {
        var p = Split(line);
        var pair = p.Length switch
        {
            3 => new LfwPair(ImagePath(p[0], Parse(p[1], path)), ImagePath(p[0], Parse(p[2], path)), true, fold),
            4 => new LfwPair(ImagePath(p[0], Parse(p[1], path)), ImagePath(p[2], Parse(p[3], path)), false, fold),
            _ => throw new InvalidDataException($"{path}: '{line}' is neither 'name i j' nor 'name1 i name2 j'."),
        };
        if (expectSame is { } same && same != pair.Same)
        {
            throw new InvalidDataException(
                $"{path}: '{line}' is out of place (each fold lists its genuine pairs first).");
        }
        return pair;
    }

    private static List<string> ReadLines(string path) =>
        [.. File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l))];

    private static string[] Split(string line) => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static int Parse(string s, string path) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"{path}: '{s}' is not a number.");
}
