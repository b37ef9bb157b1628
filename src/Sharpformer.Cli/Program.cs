using System.CommandLine;
using Sharpformer.Cli;

var bench = new Command("bench", "Measure the performance of Sharpformer's kernels, training steps and server.")
{
    BenchGemmCommand.Create(),
    BenchMemoryCommand.Create(),
    BenchTrainCommand.Create(),
    BenchDecodeCommand.Create(),
    BenchRecurrentCommand.Create(),
    BenchServeCommand.Create(),
};
var root = new RootCommand("Sharpformer: build, train, run and explain sequence models in pure C#.")
{
    DemoCommand.Create(),
    TrainCommand.Create(),
    TranslateCommand.Create(),
    EvalCommand.Create(),
    AttentionCommand.Create(),
    PlotCommand.Create(),
    ServeCommand.Create(),
    ImportTorchCommand.Create(),
    AverageCommand.Create(),
    ExportOnnxCommand.Create(),
    QuantizeCommand.Create(),
    ExperimentCommand.Create(),
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
