using System.CommandLine;
using Sharpformer.Cli;

var bench = new Command("bench", "Measure the performance of Sharpformer's kernels and training steps.")
{
    BenchGemmCommand.Create(),
    BenchTrainCommand.Create(),
};
var root = new RootCommand("Sharpformer: build, train, run and explain sequence models in pure C#.")
{
    DemoCommand.Create(),
    TrainCommand.Create(),
    TranslateCommand.Create(),
    EvalCommand.Create(),
    AttentionCommand.Create(),
    ImportTorchCommand.Create(),
    bench,
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run 'sharpformer --help' (or '<command> --help') for usage.");
    return 2;
}
return parse.Invoke();
