using System.Buffers;
using System.Globalization;
using System.Text;

namespace FacePing.Api.Validation;

/// <summary>
/// Text shown to people as it is (key names in the console, lists and logs): letters, marks, digits, punctuation,
/// symbols and spaces of any script. Control characters (a newline forges a log line, ESC drives a terminal),
/// format characters (right-to-left overrides and isolates reorder what is shown, zero-width ones hide), line and
/// paragraph separators, private-use, unassigned and unpaired surrogate code points are refused.
/// </summary>
public static class PrintableText
{
    public const string Rule = "printable text: letters, marks, digits, punctuation, symbols and spaces of any " +
        "script; no control or format characters (such as newlines or right-to-left overrides), separators other " +
        "than spaces, private-use or unassigned code points";

    public static bool IsPrintable(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done) return false;
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
                    or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate:
                    return false;
            }
            rest = rest[used..];
        }
        return true;
    }
}
