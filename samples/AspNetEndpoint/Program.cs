// A minimal ASP.NET Core endpoint that translates with a trained model folder through the library's batching engine:
// concurrent requests are decoded together on one model thread; a client that disconnects cancels its request.
//   dotnet run --project samples/AspNetEndpoint -- runs/g2p --urls http://127.0.0.1:5080
//   curl -s localhost:5080/translate -H 'content-type: application/json' -d '{"text": "phoneme"}'
using Sharpformer.Decoding;
using Sharpformer.Serving;

if (args.Length < 1 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: AspNetEndpoint MODEL_FOLDER [--urls URL]");
    return 2;
}
var builder = WebApplication.CreateSlimBuilder(args[1..]);
builder.Services.AddSingleton(_ => new BatchingTranslator(TranslationModel.Load(args[0]), maxBatch: 32));
var app = builder.Build();

app.MapPost("/translate", async (TranslateBody body, BatchingTranslator engine, CancellationToken cancel) =>
{
    if (string.IsNullOrWhiteSpace(body.Text)) return Results.BadRequest(new { error = "\"text\" is required." });
    var result = await engine.TranslateAsync([body.Text], new SearchOptions { BeamSize = Math.Clamp(body.Beam ?? 4, 1, SearchOptions.MaxBeamSize) }, cancel);
    var translation = result.Translations[0];
    return translation.Outcome == TranslationOutcome.Translated
        ? Results.Ok(new { translation = translation.Text, batch = result.BatchSize })
        : Results.UnprocessableEntity(new { error = translation.Outcome.ToString() });
});
app.MapGet("/healthz", (BatchingTranslator engine) => Results.Ok(new { status = "ok", queued = engine.Queued }));
app.Run();
return 0;

internal sealed record TranslateBody(string? Text, int? Beam);
