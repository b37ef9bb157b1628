namespace Sharpformer.Models;

/// <summary>
/// What every model family's configuration record tells the rest of the toolkit: its kind (which class to build from
/// <c>config.json</c>), vocabulary sizes, the padding id, the longest sequence it accepts, and its JSON form.
/// </summary>
public interface IModelConfig
{
    /// <summary>"seq2seq" and "lm" (Transformer), "recurrent" (RNN/GRU/LSTM encoder-decoder).</summary>
    string Kind { get; }

    /// <summary>Source vocabulary size.</summary>
    int SourceVocab { get; }

    /// <summary>Target vocabulary size.</summary>
    int TargetVocab { get; }

    /// <summary>Longest sequence accepted.</summary>
    int MaxLength { get; }

    /// <summary>The padding id (masked in attention and the loss).</summary>
    int PadId { get; }

    /// <summary>The configuration as indented JSON.</summary>
    string ToJson();
}
