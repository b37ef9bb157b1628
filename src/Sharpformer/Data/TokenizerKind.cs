namespace Sharpformer.Data;

/// <summary>The kinds of tokenizer a recipe can train: the tag <c>recipe.json</c> stores ("char", "word", "bpe", "sentence_piece", "hugging_face").</summary>
public enum TokenizerKind
{
    /// <summary>One token per character (Unicode code point): <see cref="CharTokenizer"/>.</summary>
    Char,

    /// <summary>One token per whitespace-separated word: <see cref="WordTokenizer"/>.</summary>
    Word,

    /// <summary>Byte-pair-encoded subwords learned from the training text: <see cref="BpeTokenizer"/>.</summary>
    Bpe,

    /// <summary>A given SentencePiece model (BPE or unigram; not learned by the run): <see cref="SentencePieceTokenizer"/>.</summary>
    SentencePiece,

    /// <summary>A given Hugging Face <c>tokenizer.json</c> of byte-level BPE: <see cref="HuggingFaceTokenizer"/>.</summary>
    HuggingFace,
}
