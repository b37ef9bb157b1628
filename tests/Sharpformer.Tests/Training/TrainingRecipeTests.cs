using System.Text.Json;
using Sharpformer.Data;
using Sharpformer.Training;

namespace Sharpformer.Tests.Training;

public sealed class TrainingRecipeTests
{
    [Fact]
    public void Schedule_and_tokenizer_kinds_are_stored_as_the_lowercase_tags_recipe_files_have_always_held()
    {
        var recipe = new TrainingRecipe { Schedule = ScheduleKind.Cosine, Tokenizer = TokenizerKind.Bpe, TargetTokenizer = TokenizerKind.Word };
        var json = JsonDocument.Parse(recipe.ToJson()).RootElement;
        Assert.Equal("cosine", json.GetProperty("schedule").GetString());
        Assert.Equal("bpe", json.GetProperty("tokenizer").GetString());
        Assert.Equal("word", json.GetProperty("target_tokenizer").GetString());
        Assert.Equal(recipe, TrainingRecipe.FromJson(recipe.ToJson()) with { Model = recipe.Model, Recurrent = recipe.Recurrent });
    }

    [Theory]
    [InlineData("noam", ScheduleKind.Noam, "char", TokenizerKind.Char)]
    [InlineData("cosine", ScheduleKind.Cosine, "word", TokenizerKind.Word)]
    [InlineData("constant", ScheduleKind.Constant, "bpe", TokenizerKind.Bpe)]
    public void A_recipe_file_written_before_the_kinds_were_types_loads(string schedule, ScheduleKind expectedSchedule, string tokenizer, TokenizerKind expectedTokenizer)
    {
        var recipe = TrainingRecipe.FromJson($$"""{"schedule": "{{schedule}}", "tokenizer": "{{tokenizer}}", "target_tokenizer": null, "lr": 0.002}""");
        Assert.Equal(expectedSchedule, recipe.Schedule);
        Assert.Equal(expectedTokenizer, recipe.Tokenizer);
        Assert.Null(recipe.TargetTokenizer);
        Assert.Equal(0.002f, recipe.LearningRate);
    }

    [Fact]
    public void The_schedule_kind_chooses_the_schedule()
    {
        var recipe = new TrainingRecipe { LearningRate = 1e-3f, Steps = 100, WarmupSteps = 10 };
        Assert.IsType<WarmupInverseSqrtSchedule>((recipe with { Schedule = ScheduleKind.Noam }).CreateSchedule());
        Assert.Equal(new CosineSchedule(1e-3f, 100, 10), (recipe with { Schedule = ScheduleKind.Cosine }).CreateSchedule());
        Assert.Equal(new ConstantSchedule(1e-3f), (recipe with { Schedule = ScheduleKind.Constant }).CreateSchedule());
    }

    [Fact]
    public void The_g2p_recurrent_recipe_keeps_its_noam_scale_whatever_the_transformer_width()
    {
        var recipe = GraphemeToPhonemeRecipe.For("gru-bahdanau");
        float peak = 0.7f / MathF.Sqrt(128) / MathF.Sqrt(1000); // factor · d^−0.5 · warmup^−0.5 at the end of the warm-up
        Assert.Equal(peak, recipe.CreateSchedule().At(1000), 1e-9f);
        var wider = recipe with { Model = recipe.Model with { DModel = 512 } };
        Assert.Equal(peak, wider.CreateSchedule().At(1000), 1e-9f);
        Assert.Equal(128, TrainingRecipe.FromJson(recipe.ToJson()).ScheduleModelSize);
        var plain = recipe with { ScheduleModelSize = null }; // without it the schedule follows d_model, as recipes always did
        Assert.Equal(0.7f / MathF.Sqrt(512) / MathF.Sqrt(1000), (plain with { Model = wider.Model }).CreateSchedule().At(1000), 1e-9f);
        Assert.Null(GraphemeToPhonemeRecipe.For("transformer").ScheduleModelSize);
    }

    [Fact]
    public void An_unknown_schedule_tag_is_refused()
    {
        Assert.ThrowsAny<JsonException>(() => TrainingRecipe.FromJson("""{"schedule": "linear"}"""));
    }

    [Fact]
    public void Source_and_target_share_a_vocabulary_only_when_asked_and_of_one_kind()
    {
        var recipe = new TrainingRecipe { SharedVocabulary = true, Tokenizer = TokenizerKind.Char };
        Assert.True(recipe.UsesSharedVocabulary);
        Assert.True((recipe with { TargetTokenizer = TokenizerKind.Char }).UsesSharedVocabulary);
        Assert.False((recipe with { TargetTokenizer = TokenizerKind.Word }).UsesSharedVocabulary);
        Assert.False((recipe with { SharedVocabulary = false }).UsesSharedVocabulary);
    }
}
