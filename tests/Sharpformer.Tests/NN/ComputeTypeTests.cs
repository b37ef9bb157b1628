using Sharpformer.Kernels;
using Sharpformer.Autograd;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.NN;

/// <summary>Int8 inference of linear layers: close to float32, no gradient, applied to every linear layer of a model.</summary>
public sealed class ComputeTypeTests
{
    [Fact]
    public void An_int8_linear_layer_stays_within_the_quantization_error_of_the_float_one()
    {
        var rng = new Rng(4);
        var layer = new Linear(96, 40, rng);
        var x = Tensor.Randn(rng, 3, 5, 96);
        using var noGrad = GradMode.NoGrad();
        var expected = layer.Forward(x).ToArray();
        layer.QuantizeToInt8();
        Assert.NotNull(layer.Int8Weight);
        var actual = layer.Forward(x);
        Assert.Equal([3, 5, 40], actual.Shape.ToArray());
        float scale = expected.Max(MathF.Abs);
        var got = actual.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.True(MathF.Abs(expected[i] - got[i]) <= 0.02f * scale, $"[{i}]: {expected[i]} vs {got[i]}");
    }

    [Fact]
    public void A_batch_of_rows_gives_the_same_bits_as_each_row_alone()
    {
        var rng = new Rng(8);
        var layer = new Linear(70, 300, rng); // enough work to split the output features across threads
        layer.QuantizeToInt8();
        var x = Tensor.Randn(rng, 7, 70);
        using var noGrad = GradMode.NoGrad();
        var batch = layer.Forward(x).ToArray();
        for (int r = 0; r < 7; r++)
        {
            var alone = layer.Forward(Tensor.FromArray(x.Data.Slice(r * 70, 70), 1, 70)).ToArray();
            Assert.Equal(alone, batch[(r * 300)..((r + 1) * 300)]);
        }
    }

    [Fact]
    public void Int8_weights_refuse_an_input_that_needs_a_gradient()
    {
        var rng = new Rng(5);
        var layer = new Linear(8, 4, rng);
        layer.QuantizeToInt8();
        var x = Tensor.Randn(rng, 2, 8);
        x.RequiresGrad = true;
        var error = Assert.Throws<InvalidOperationException>(() => layer.Forward(x));
        Assert.Contains("inference", error.Message);
    }

    [Fact]
    public void A_bfloat16_layer_is_the_float32_layer_with_its_weights_rounded_to_bfloat16()
    {
        var rng = new Rng(9);
        var layer = new Linear(70, 300, rng);
        var rounded = Tensor.FromArray([.. layer.Weight.ToArray().Select(v => BFloat16Matrix.Widen(BFloat16Matrix.Round(v)))], 300, 70);
        var x = Tensor.Randn(rng, 6, 70);
        using var noGrad = GradMode.NoGrad();
        layer.ConvertToBFloat16();
        Assert.NotNull(layer.BFloat16Weight);
        // Six rows multiply the rounded weights packed for the GEMM micro-kernel (the bfloat16 kernel widens blocks for
        // the blocked GEMM where there is none): the float32 layer's products.
        float[] batch = x.Linear(rounded, layer.Bias).ToArray(), converted = layer.Forward(x).ToArray();
        for (int j = 0; j < batch.Length; j++) Assert.Equal(batch[j], converted[j], 1e-5f);
        if (PackedMatrix.IsSupported)
        {
            Assert.Equal(300, layer.PackedWeight!.N);
            Assert.Equal(x.LinearPacked(layer.PackedWeight, layer.Bias).ToArray(), converted);
            layer.Weight.Data.Clear(); // the copies keep the rounded weights
            Assert.Equal(converted, layer.Forward(x).ToArray());
        }
        // One row goes through the widening matrix-vector kernel, which sums even and odd columns apart: the same
        // products, added in another order.
        for (int r = 0; r < 6; r++)
        {
            var row = Tensor.FromArray(x.Data.Slice(r * 70, 70), 1, 70);
            float[] expected = row.Linear(rounded, layer.Bias).ToArray(), actual = layer.Forward(row).ToArray();
            for (int j = 0; j < 300; j++) Assert.True(MathF.Abs(expected[j] - actual[j]) <= 1e-5f * (1 + MathF.Abs(expected[j])), $"row {r}, output {j}: {actual[j]} vs {expected[j]}");
        }
    }

    [Fact]
    public void A_bfloat16_recurrent_layer_is_the_float32_layer_with_its_input_weights_rounded_to_bfloat16()
    {
        var converted = new Sharpformer.NN.Recurrent.Gru(12, 8, new Rng(3), numLayers: 2, bidirectional: true);
        var reference = new Sharpformer.NN.Recurrent.Gru(12, 8, new Rng(3), numLayers: 2, bidirectional: true);
        foreach (var (name, weight) in reference.NamedParameters().Where(p => p.Name.StartsWith("weight_ih", StringComparison.Ordinal)))
            for (int i = 0; i < weight.Length; i++) weight.Data[i] = BFloat16Matrix.Widen(BFloat16Matrix.Round(weight.Data[i]));
        var x = Tensor.Randn(new Rng(4), 3, 5, 12);
        using var noGrad = GradMode.NoGrad();
        var float32 = converted.Forward(x).Output.ToArray();
        converted.ConvertForInference(ComputeType.BFloat16);
        var bfloat16 = converted.Forward(x).Output.ToArray();
        Assert.Equal(reference.Forward(x).Output.ToArray(), bfloat16); // W_ih rounded, W_hh untouched
        Assert.NotEqual(float32, bfloat16);
        var step = Tensor.Randn(new Rng(5), 3, 12);
        var unidirectional = new Sharpformer.NN.Recurrent.Lstm(12, 8, new Rng(6), numLayers: 2);
        var before = unidirectional.Step(step).Output.ToArray();
        unidirectional.ConvertForInference(ComputeType.Int8);
        var after = unidirectional.Step(step).Output.ToArray();
        for (int i = 0; i < before.Length; i++) Assert.True(MathF.Abs(before[i] - after[i]) <= 0.02f, $"h[{i}]: float32 {before[i]}, int8 {after[i]}");
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void A_float32_recurrent_layer_multiplies_the_steps_of_a_few_rows_by_its_panels()
    {
        var layer = new Sharpformer.NN.Recurrent.Lstm(12, 40, new Rng(7), numLayers: 2);
        var sequence = Tensor.Randn(new Rng(8), 3, 6, 12);
        var step = Tensor.Randn(new Rng(9), 3, 12);
        using var noGrad = GradMode.NoGrad();
        var (sequenceBefore, state) = layer.Forward(sequence); // a state that is not zero, so h W_hhᵀ counts
        var stepBefore = layer.Step(step, state).Output.ToArray();
        layer.ConvertForInference(ComputeType.Float32);
        var stepAfter = layer.Step(step, state).Output.ToArray();
        for (int i = 0; i < stepBefore.Length; i++) Assert.Equal(stepBefore[i], stepAfter[i], 1e-5f);
        Assert.NotEqual(stepBefore, stepAfter); // the panels sum in another order: they were used
        // Every step of a sequence of three rows is a matrix-vector product too: the panels serve it (with W_hh cleared,
        // the copies still give the outputs of before).
        foreach (var (name, p) in layer.NamedParameters())
            if (name.StartsWith("weight_hh", StringComparison.Ordinal)) p.Data.Clear();
        float[] expected = sequenceBefore.ToArray(), actual = layer.Forward(sequence).Output.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
    }

    [Fact]
    public void Recurrence_refuses_panels_of_another_shape_than_its_weight()
    {
        var rng = new Rng(3);
        var (gates, weight, h0) = (Tensor.Randn(rng, 1, 1, 24), Tensor.Randn(rng, 24, 8), Tensor.Randn(rng, 1, 8));
        var panels = PanelMatrix.Pack(Tensor.Randn(rng, 24, 7).Data, 24, 7);
        var error = Assert.Throws<ArgumentException>(() => gates.Recurrence(weight, null, h0, null, RecurrentCellKind.Gru, weightHhPanels: panels));
        Assert.Contains("W_hh panels [24, 7]", error.Message);
        if (!PackedMatrix.IsSupported) return;
        var packed = PackedMatrix.ForWeight(Tensor.Randn(rng, 24, 7).Data, 24, 7);
        error = Assert.Throws<ArgumentException>(() => gates.Recurrence(weight, null, h0, null, RecurrentCellKind.Gru, weightHhPacked: packed));
        Assert.Contains("packed W_hhᵀ [7, 24]", error.Message);
    }

    [Theory]
    [InlineData(ComputeType.Float32, 1e-5f)]
    [InlineData(ComputeType.Int8, 0.05f)]
    [InlineData(ComputeType.BFloat16, 0.02f)]
    public void A_compute_type_converts_every_linear_layer_and_decoding_logits_stay_close_to_float32(ComputeType type, float tolerance)
    {
        var (model, source) = SmallModel();
        using var noGrad = GradMode.NoGrad();
        var expected = FirstStepLogits(model, source);
        Assert.All(model.Modules().OfType<Linear>(), l => Assert.True(l.Int8Weight is null && l.BFloat16Weight is null && l.PanelWeight is null));
        type.ApplyTo(model);
        // float32 adds the panel copy that the decoder step's two rows are multiplied by.
        void AssertConverted() => Assert.All(model.Modules().OfType<Linear>(), l => Assert.Equal(
            (type == ComputeType.Int8, type == ComputeType.BFloat16, type == ComputeType.Float32),
            (l.Int8Weight is not null, l.BFloat16Weight is not null, l.PanelWeight is not null)));
        AssertConverted();
        ComputeType.Float32.ApplyTo(model); // float32 leaves an int8 or bfloat16 layer (a quantized folder loads so) as it is
        AssertConverted();
        var actual = FirstStepLogits(model, source);
        float scale = expected.Max(MathF.Abs);
        for (int i = 0; i < expected.Length; i++) Assert.True(MathF.Abs(expected[i] - actual[i]) <= tolerance * scale, $"logit {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void A_float32_layer_with_panels_multiplies_a_few_rows_by_them_and_keeps_its_gradient()
    {
        var rng = new Rng(9);
        var layer = new Linear(40, 35, rng);
        var few = Tensor.Randn(rng, 3, 40);
        var many = Tensor.Randn(rng, 9, 40);
        float[] fewBefore, manyBefore;
        using (GradMode.NoGrad()) (fewBefore, manyBefore) = (layer.Forward(few).ToArray(), layer.Forward(many).ToArray());
        layer.PackPanels();
        using (GradMode.NoGrad())
        {
            var fewAfter = layer.Forward(few).ToArray();
            Assert.Equal(few.LinearPanels(layer.PanelWeight!, layer.Bias).ToArray(), fewAfter); // the panel product, bit for bit
            for (int i = 0; i < fewBefore.Length; i++) Assert.Equal(fewBefore[i], fewAfter[i], 1e-5f);
            var manyAfter = layer.Forward(many).ToArray();
            Assert.Equal(many.LinearPacked(layer.PackedWeight!, layer.Bias).ToArray(), manyAfter); // more than four rows: the packed copy
            for (int i = 0; i < manyBefore.Length; i++) Assert.Equal(manyBefore[i], manyAfter[i], 1e-5f);
        }
        // With gradients on, the layer is the differentiable float32 one.
        var y = layer.Forward(few).Sum();
        y.Backward();
        Assert.NotNull(layer.Weight.Grad);
    }

    [Fact]
    public void A_float32_layer_multiplies_up_to_the_packed_limit_by_its_copies_and_more_rows_by_its_weight()
    {
        if (!PackedMatrix.IsSupported) return; // no micro-kernel: there is no packed copy to use (PackPanels leaves it null, tested below)
        var rng = new Rng(10);
        var layer = new Linear(24, 50, rng);
        var rows = Tensor.Randn(rng, PackedMatrix.MaxRows, 24);
        var more = Tensor.Randn(rng, PackedMatrix.MaxRows + 1, 24);
        using var noGrad = GradMode.NoGrad();
        var before = layer.Forward(rows).ToArray();
        layer.PackPanels();
        Assert.Equal(50, layer.PackedWeight!.N);
        layer.Weight.Data.Clear(); // the copies are not updated: what still multiplies like the old weight used them
        var after = layer.Forward(rows).ToArray();
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i], 1e-5f);
        var bias = layer.Bias!.ToArray();
        var beyond = layer.Forward(more).ToArray(); // past MaxRows rows: the float weight (now zero), so only the bias
        for (int i = 0; i < beyond.Length; i++) Assert.Equal(bias[i % 50], beyond[i]);
        var error = Assert.Throws<ArgumentException>(() => more.LinearPacked(layer.PackedWeight!));
        Assert.Contains($"{PackedMatrix.MaxRows + 1} rows", error.Message);
    }

    [Fact]
    public void A_float32_recurrent_layer_steps_a_batch_past_the_panels_with_its_packed_copy_and_records_gradients_on_its_weight()
    {
        var layer = new Sharpformer.NN.Recurrent.Gru(12, 40, new Rng(11), numLayers: 2);
        var step = Tensor.Randn(new Rng(12), 9, 12); // 9 rows: more than the panels take
        Sharpformer.NN.Recurrent.RecurrentState state;
        float[] before;
        using (GradMode.NoGrad())
        {
            (_, state) = layer.Forward(Tensor.Randn(new Rng(13), 9, 3, 12));
            before = layer.Step(step, state).Output.ToArray();
        }
        layer.ConvertForInference(ComputeType.Float32);
        foreach (var (name, p) in layer.NamedParameters())
            if (name.StartsWith("weight_hh", StringComparison.Ordinal)) p.Data.Clear(); // the copies keep the old W_hh
        float[] after;
        using (GradMode.NoGrad()) after = layer.Step(step, state).Output.ToArray();
        if (PackedMatrix.IsSupported)
            for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i], 1e-5f);
        var recorded = layer.Step(step, state).Output.ToArray(); // gradients on: the weight as it is now, no copy
        Assert.NotEqual(before, recorded);
    }

    [Fact]
    public void An_embedding_table_looks_up_rows_in_its_compute_type_and_in_float32_when_gradients_are_recorded()
    {
        var table = new Embedding(12, 20, new Rng(14));
        var ids = new IntTensor([3, 0, 11, 3, 7, 5], 2, 3);
        var float32 = table.Forward(ids).ToArray();
        table.Convert(ComputeType.Int8);
        var quantized = Int8Matrix.Quantize(table.Weight.Data, 12, 20);
        float[] int8, bfloat16;
        using (GradMode.NoGrad()) int8 = table.Forward(ids).ToArray();
        for (int i = 0; i < int8.Length; i++)
        {
            int row = ids.Data[i / 20], column = i % 20;
            Assert.Equal(quantized.Scales[row] * quantized.Values[(row * 20) + column], int8[i]); // scale · q, exactly
            Assert.True(MathF.Abs(int8[i] - float32[i]) <= (quantized.Scales[row] / 2) + 1e-7f, $"value {i}: {int8[i]} vs {float32[i]}");
        }
        Assert.NotEqual(float32, int8);
        Assert.Equal(float32, table.Forward(ids).ToArray()); // gradients on: the float table, differentiable
        table.Convert(ComputeType.Float32); // a converted table stays converted (a quantized folder loads so)
        Assert.NotNull(table.Int8Weight);
        table.Convert(ComputeType.BFloat16);
        using (GradMode.NoGrad()) bfloat16 = table.Forward(ids).ToArray();
        for (int i = 0; i < bfloat16.Length; i++) Assert.Equal(BFloat16Matrix.Widen(BFloat16Matrix.Round(float32[i])), bfloat16[i]);
        Assert.Null(table.Int8Weight);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            using var noGrad = GradMode.NoGrad();
            table.Forward(new IntTensor([1, 12]));
        });
        Assert.Contains("id 12 at position 1", error.Message);
    }

    [Fact]
    public void Auto_is_the_fastest_type_this_cpu_runs()
    {
        var (model, _) = SmallModel();
        var auto = ComputeType.Auto.Resolve();
        Assert.Equal(Int8Gemv.IsAccelerated ? ComputeType.Int8 : System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? ComputeType.BFloat16 : ComputeType.Float32, auto);
        ComputeType.Auto.ApplyTo(model);
        Assert.All(model.Modules().OfType<Linear>(), l => Assert.Equal(auto == ComputeType.Int8, l.Int8Weight is not null));
        Assert.All(model.Modules().OfType<Linear>(), l => Assert.Equal(auto == ComputeType.BFloat16, l.BFloat16Weight is not null));
    }

    private static (Seq2SeqTransformer Model, IntTensor Source) SmallModel()
    {
        var config = new TransformerConfig { DModel = 32, Heads = 4, EncoderLayers = 2, DecoderLayers = 2, DFf = 64, SourceVocab = 20, TargetVocab = 20, MaxLength = 16, Dropout = 0f };
        var model = new Seq2SeqTransformer(config, new Rng(6));
        model.Eval();
        return (model, new IntTensor([5, 6, 7, 8, 2, 9, 10, 2, 0, 0], 2, 5));
    }

    private static float[] FirstStepLogits(Seq2SeqTransformer model, IntTensor source) => model.Step(model.Start(source), new IntTensor([1, 1])).ToArray();
}
