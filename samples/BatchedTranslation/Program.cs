// Translates the lines of standard input with a trained model through the library's batching engine, many lines at a
// time from concurrent callers, as a web app would: dotnet run --project samples/BatchedTranslation -- runs/g2p [beam]
using Sharpformer.Decoding;
using Sharpformer.Serving;

if (args.Length is < 1 or > 2 || (args.Length == 2 && !int.TryParse(args[1], out _)))
{
    Console.Error.WriteLine("usage: BatchedTranslation MODEL_FOLDER [BEAM] < lines.txt");
    return 2;
}
TranslationModel model;
try
{
    model = TranslationModel.Load(args[0]);
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine($"error: cannot load {args[0]}: {e.Message}");
    return 1;
}
var options = new SearchOptions { BeamSize = args.Length == 2 ? int.Parse(args[1]) : SearchOptions.DefaultBeamSize };
using var translator = new BatchingTranslator(model, maxBatch: 32);
var lines = new List<string>();
while (Console.ReadLine() is { } line) lines.Add(line);

// One request per line, all in flight at once: the engine batches them on its one model thread.
var results = await Task.WhenAll(lines.Select(line => translator.TranslateAsync([line], options)));
foreach (var result in results)
{
    var translation = result.Translations[0];
    Console.WriteLine(translation.Outcome == TranslationOutcome.Translated
        ? $"{translation.Source}\t{translation.Text}\t(batch of {result.BatchSize})"
        : $"{translation.Source}\tnot translated: {translation.Outcome}");
}
return 0;
