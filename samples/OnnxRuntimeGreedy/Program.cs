// Greedy decoding of an `sharpformer export-onnx` folder with ONNX Runtime alone, the loop docs/onnx.md describes:
//   dotnet run --project samples/OnnxRuntimeGreedy -- runs/g2p-onnx phoneme
// The graphs' inputs and outputs are read from model.onnx.json's neighbours (config.json for the sizes); Sharpformer is
// used only to read the tokenizer files.
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sharpformer.Data;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: OnnxRuntimeGreedy EXPORT_FOLDER TEXT");
    return 2;
}
string folder = args[0];
using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
int heads = config.RootElement.GetProperty("nhead").GetInt32();
int dk = config.RootElement.GetProperty("d_model").GetInt32() / heads;
int layers = config.RootElement.GetProperty("num_decoder_layers").GetInt32();
int maxLength = config.RootElement.GetProperty("max_length").GetInt32();
var sourceTokenizer = Tokenizers.Load(Path.Combine(folder, "tokenizer.source.json"));
var targetTokenizer = Tokenizers.Load(Path.Combine(folder, "tokenizer.target.json"));

using var encoder = new InferenceSession(Path.Combine(folder, "encoder.onnx"));
using var step = new InferenceSession(Path.Combine(folder, "decoder_step.onnx"));
long[] ids = [.. sourceTokenizer.Encode(args[1]).Select(i => (long)i), SpecialTokens.Eos]; // the source ends with eos, as in training
var source = new DenseTensor<long>(ids, [1, ids.Length]);
var mask = new DenseTensor<long>(ids.Select(_ => 1L).ToArray(), [1, ids.Length]);
using var encoded = encoder.Run([NamedOnnxValue.CreateFromTensor("src_ids", source), NamedOnnxValue.CreateFromTensor("src_mask", mask)]);
var cross = encoded.Where(o => o.Name.StartsWith("cross_", StringComparison.Ordinal))
    .Select(o => NamedOnnxValue.CreateFromTensor(o.Name, o.AsTensor<float>().ToDenseTensor())).ToList();
var past = new Dictionary<string, DenseTensor<float>>();
for (int i = 0; i < layers; i++)
{
    past[$"past_key_{i}"] = new DenseTensor<float>(new[] { 1, heads, 0, dk });
    past[$"past_value_{i}"] = new DenseTensor<float>(new[] { 1, heads, 0, dk });
}
long previous = SpecialTokens.Bos;
var output = new List<int>();
for (int t = 0; t < maxLength; t++)
{
    var inputs = new List<NamedOnnxValue>
    {
        NamedOnnxValue.CreateFromTensor("prev_ids", new DenseTensor<long>(new[] { previous }, [1, 1])),
        NamedOnnxValue.CreateFromTensor("src_mask", mask),
    };
    inputs.AddRange(past.Select(p => NamedOnnxValue.CreateFromTensor(p.Key, p.Value)));
    inputs.AddRange(cross);
    using var results = step.Run(inputs);
    var logits = results.First(r => r.Name == "logits").AsTensor<float>().ToArray();
    logits[SpecialTokens.Pad] = logits[SpecialTokens.Bos] = float.NegativeInfinity; // never generated, as in Sharpformer's search
    previous = Array.IndexOf(logits, logits.Max());
    if (previous == SpecialTokens.Eos) break;
    output.Add((int)previous);
    foreach (var r in results.Where(r => r.Name.StartsWith("present_", StringComparison.Ordinal)))
        past[r.Name.Replace("present_", "past_", StringComparison.Ordinal)] = r.AsTensor<float>().ToDenseTensor();
}
Console.WriteLine(targetTokenizer.Decode(output));
return 0;
