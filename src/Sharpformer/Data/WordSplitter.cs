using System.Text;

namespace Sharpformer.Data;

/// <summary>
/// The pre-tokenisation shared by <see cref="WordTokenizer"/> and <see cref="BpeTokenizer"/>: text is cut at whitespace,
/// and every punctuation or symbol character (Unicode categories P* and S*) becomes a piece of its own. A piece that
/// follows whitespace, or starts the text, begins with <see cref="Marker"/> (as in SentencePiece), which is what lets
/// <see cref="Join"/> put the spaces back.
/// </summary>
/// <remarks>
/// Normalisation: every run of whitespace becomes one space and leading/trailing whitespace is dropped; the marker
/// character itself (U+2581) counts as whitespace. So <c>Join(Split(s)) == s</c> exactly for text with single spaces
/// and no leading or trailing whitespace, and equals <see cref="Normalize"/>(s) for any text.
/// </remarks>
public static class WordSplitter
{
    /// <summary>The "▁" (U+2581) that marks a piece preceded by a space.</summary>
    public const char Marker = '\u2581';

    /// <summary>The pieces of <paramref name="text"/>, with <see cref="Marker"/> on those that follow whitespace.</summary>
    public static List<string> Split(string text)
    {
        var pieces = new List<string>();
        int start = -1;
        bool afterSpace = true, marked = false;
        for (int i = 0, length; i < text.Length; i += length)
        {
            length = RuneText.LengthAt(text, i);
            bool valid = Rune.TryGetRuneAt(text, i, out var rune);
            if (valid && (Rune.IsWhiteSpace(rune) || rune.Value == Marker))
            {
                Flush(i);
                afterSpace = true;
                continue;
            }
            bool standsAlone = !valid || Rune.IsPunctuation(rune) || Rune.IsSymbol(rune);
            if (standsAlone) Flush(i);
            if (start < 0)
            {
                start = i;
                marked = afterSpace;
            }
            afterSpace = false;
            if (standsAlone) Flush(i + length);
        }
        Flush(text.Length);
        return pieces;

        void Flush(int end)
        {
            if (start < 0) return;
            pieces.Add(marked ? Marker + text[start..end] : text[start..end]);
            start = -1;
        }
    }

    /// <summary>Concatenates pieces, turning each <see cref="Marker"/> into a space and dropping the one that starts the text.</summary>
    public static string Join(IEnumerable<string> pieces)
    {
        var text = new StringBuilder();
        foreach (var piece in pieces) text.Append(piece);
        text.Replace(Marker, ' ');
        if (text.Length > 0 && text[0] == ' ') text.Remove(0, 1);
        return text.ToString();
    }

    /// <summary>The text as the word and BPE tokenizers give it back: whitespace runs collapsed to one space, trimmed.</summary>
    public static string Normalize(string text) => Join(Split(text));
}
