using System.IO.Compression;
using System.Text;
using Sharpformer.Data;
using Sharpformer.IO;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;
using Sharpformer.Tests.IO;
using Sharpformer.Training;

namespace Sharpformer.Tests.Fuzzing;

/// <summary>
/// In-process fuzzing of every file the project reads: each valid file is mutated a few hundred ways
/// (<see cref="ByteMutator"/>) and read to the end; the loader must either succeed or throw one of the exceptions that
/// the command line turns into a one-line message naming the file (never a crash, a hang or another exception).
/// </summary>
public sealed class LoaderFuzzTests : IDisposable
{
    private static int Mutants => ByteMutator.MutantsPerSeed;
    private static readonly Type[] OneLineErrors =
        [typeof(DataFormatException), typeof(SafetensorsFormatException), typeof(InvalidDataException), typeof(ArgumentException), typeof(FileNotFoundException)];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Safetensors_files() => Fuzz("model.safetensors", Safetensors(), path =>
    {
        using var file = SafetensorsFile.Open(path);
        foreach (var entry in file.Entries)
            if (entry.Dtype == SafetensorsDtype.F32) file.ReadTensor(entry.Name);
            else file.ReadIntTensor(entry.Name);
    });

    [Fact]
    public void Model_configs() =>
        Fuzz("config.json", Encoding.UTF8.GetBytes(new TransformerConfig { DModel = 16, Heads = 2, SourceVocab = 9, TargetVocab = 9 }.ToJson()),
            path => ModelCheckpoint.ReadConfig(path),
            Encoding.UTF8.GetBytes(new RecurrentSeq2SeqConfig { EmbeddingDim = 8, HiddenSize = 8, SourceVocab = 9, TargetVocab = 9 }.ToJson()));

    [Fact]
    public void Tokenizer_files()
    {
        string[] texts = ["the cat sat on the mat", "snow 3 m, power out", "naïve café 北京"];
        byte[] Saved(ITokenizer tokenizer)
        {
            var path = _directory.File("seed-" + Guid.NewGuid().ToString("N"));
            tokenizer.Save(path);
            return File.ReadAllBytes(path);
        }
        Fuzz("tokenizer.json", Saved(CharTokenizer.Build(texts)), path =>
        {
            var tokenizer = Tokenizers.Load(path);
            foreach (var text in texts) tokenizer.Decode(tokenizer.Encode(text));
        }, Saved(WordTokenizer.Build(texts)), Saved(BpeTokenizer.Train(texts, 10)),
            Saved(SentencePieceTokenizer.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "sentencepiece", "bpe.model"))),
            Saved(HuggingFaceTokenizer.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "hf-tokenizer", "tokenizer.json"))));
    }

    [Fact]
    public void Recipes() =>
        Fuzz("recipe.json", Encoding.UTF8.GetBytes(GraphemeToPhonemeRecipe.For("transformer").ToJson()), path => TrainingRecipe.Read(path));

    [Fact]
    public void Corpora_plain_and_gzipped()
    {
        const string tsv = "积雪3米\t派3台除雪车\nthe cat\tle chat\n\"quoted\"\tout\n";
        const string jsonl = "{\"source\": \"a b\", \"target\": \"b a\"}\n{\"source\": \"x\", \"target\": \"y\"}\n";
        void ReadAll(string path) => ParallelCorpus.Read(path).ToList();
        Fuzz("corpus.tsv", Encoding.UTF8.GetBytes(tsv), ReadAll);
        Fuzz("corpus.jsonl", Encoding.UTF8.GetBytes(jsonl), ReadAll);
        Fuzz("corpus.tsv.gz", Gzip(tsv), ReadAll);
    }

    [Fact]
    public void Metrics_logs() =>
        Fuzz("metrics.jsonl", Encoding.UTF8.GetBytes("{\"step\": 10, \"train_loss\": 1.5, \"best\": true}\n{\"step\": 20, \"dev_wer\": 33.1}\n"), path => MetricsLog.Read(path));

    [Fact]
    public void Resumable_checkpoint_folders()
    {
        var (run, model, optimizer) = SavedCheckpoint();
        var folder = Directory.GetDirectories(run, "last-*").Single();
        var files = Directory.GetFiles(run).Concat(Directory.GetFiles(folder)).ToList();
        Assert.Equal(4, files.Count); // the pointer, weights, optimiser moments and trainer state
        foreach (var file in files)
        {
            var original = File.ReadAllBytes(file);
            var failures = new List<string>();
            for (int seed = 0; seed < Mutants / 4; seed++)
            {
                var (bytes, kind) = ByteMutator.Mutate(original, seed);
                File.WriteAllBytes(file, bytes);
                Check(() => ResumableCheckpoint.Load(run, model, optimizer), $"{Path.GetFileName(file)} {kind} seed {seed}", failures);
            }
            File.WriteAllBytes(file, original);
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(8)));
        }
    }

    [Fact]
    public void A_checkpoint_whose_tensor_names_do_not_match_the_model_is_named_in_one_line()
    {
        // Found by the 100,000-mutant campaign: random bytes turned a tensor name into one holding a line break.
        var (run, model, optimizer) = SavedCheckpoint();
        var weights = Path.Combine(Directory.GetDirectories(run, "last-*").Single(), "model.safetensors");
        var writer = new SafetensorsWriter();
        string renamed = model.StateDict().Keys.First();
        foreach (var (name, tensor) in model.StateDict()) writer.Add(name == renamed ? "encoder\nnorm" : name, tensor);
        writer.Save(weights);
        var error = Assert.Throws<InvalidDataException>(() => ResumableCheckpoint.Load(run, model, optimizer));
        Assert.StartsWith(weights, error.Message);
        Assert.Contains($"missing keys: {renamed}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    // A resumable checkpoint of a small Transformer in DIR/run.
    private (string Run, Seq2SeqTransformer Model, Adam Optimizer) SavedCheckpoint()
    {
        var config = new TransformerConfig { DModel = 8, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, DFf = 16, SourceVocab = 7, TargetVocab = 7, MaxLength = 16 };
        var model = new Seq2SeqTransformer(config, new Rng(1));
        var optimizer = new Adam(model.NamedParameters());
        var run = Path.Combine(_directory.Path, "run");
        ResumableCheckpoint.Save(run, model, optimizer, new TrainerState { Step = 5, RngState = [1, 2, 3, 4], BestMetric = 0.5 });
        return (run, model, optimizer);
    }

    /// <summary>Writes each mutant of each seed file to <paramref name="name"/> and reads it with <paramref name="read"/>.</summary>
    private void Fuzz(string name, byte[] seedFile, Action<string> read, params byte[][] moreSeeds)
    {
        var path = _directory.File(name);
        File.WriteAllBytes(path, seedFile);
        read(path); // the unmutated file is valid
        var failures = new List<string>();
        foreach (var (original, index) in new[] { seedFile }.Concat(moreSeeds).Select((s, i) => (s, i)))
            for (int seed = 0; seed < Mutants; seed++)
            {
                var (bytes, kind) = ByteMutator.Mutate(original, seed);
                File.WriteAllBytes(path, bytes);
                Check(() => read(path), $"{name} (seed file {index}) {kind} seed {seed}", failures);
            }
        Assert.True(failures.Count == 0, $"{failures.Count} mutants of {name} crashed the loader:\n" + string.Join("\n", failures.Take(8)));
    }

    private static void Check(Action read, string what, List<string> failures)
    {
        var run = Task.Run(read);
        try
        {
            if (!run.Wait(TimeSpan.FromSeconds(20))) failures.Add($"{what}: still reading after 20 s");
        }
        catch (AggregateException wrapped) when (wrapped.InnerException is { } e)
        {
            if (!OneLineErrors.Any(t => t.IsInstanceOfType(e)) || e.Message.Contains('\n'))
                failures.Add($"{what}: {e.GetType().Name}: {Shorten(e.Message)}");
        }
    }

    private static string Shorten(string message)
    {
        var first = message.Split('\n')[0];
        return first.Length <= 160 ? first : first[..160] + "…";
    }

    private static byte[] Safetensors()
    {
        using var stream = new MemoryStream();
        new SafetensorsWriter()
            .Add("encoder.weight", Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3))
            .Add("bias", Tensor.FromArray([0.5f, -0.5f], 2))
            .Add("ids", new IntTensor([1, 2, 3], 3))
            .AddMetadata("format", "pt")
            .WriteTo(stream);
        return stream.ToArray();
    }

    private static byte[] Gzip(string text)
    {
        using var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return stream.ToArray();
    }
}
