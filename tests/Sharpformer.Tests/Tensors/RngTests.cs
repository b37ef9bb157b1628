using Sharpformer.Tensors;

namespace Sharpformer.Tests.Tensors;

public sealed class RngTests
{
    [Fact]
    public void Same_seed_gives_the_same_sequence_and_different_seeds_differ()
    {
        var a = new Rng(42);
        var b = new Rng(42);
        var c = new Rng(43);
        var sa = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(sa, Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToArray());
        Assert.NotEqual(sa, Enumerable.Range(0, 100).Select(_ => c.NextUInt64()).ToArray());
    }

    [Fact]
    public void Restoring_the_state_continues_the_sequence()
    {
        var rng = new Rng(1);
        for (int i = 0; i < 10; i++) rng.NextFloat();
        var saved = rng.State;
        var expected = Enumerable.Range(0, 20).Select(_ => rng.NextFloat()).ToArray();
        var resumed = new Rng(999) { State = saved };
        Assert.Equal(expected, Enumerable.Range(0, 20).Select(_ => resumed.NextFloat()).ToArray());
    }

    [Fact]
    public void Uniform_and_normal_samples_have_the_right_moments()
    {
        var rng = new Rng(3);
        var u = new float[100_000];
        var n = new float[100_000];
        rng.FillUniform(u, -1f, 3f);
        rng.FillNormal(n, 2f, 0.5f);
        Assert.All(u, v => Assert.InRange(v, -1f, 3f));
        Assert.Equal(1.0, u.Average(), 1);
        Assert.Equal(2.0, n.Average(), 1);
        Assert.Equal(0.25, n.Select(v => (v - 2.0) * (v - 2.0)).Average(), 2);
    }

    [Fact]
    public void Shuffle_is_a_seeded_permutation()
    {
        int[] Shuffled(ulong seed)
        {
            var items = Enumerable.Range(0, 50).ToArray();
            new Rng(seed).Shuffle<int>(items);
            return items;
        }
        Assert.Equal(Shuffled(5), Shuffled(5));
        Assert.NotEqual(Enumerable.Range(0, 50).ToArray(), Shuffled(5));
        Assert.Equal(Enumerable.Range(0, 50), Shuffled(5).Order());
    }

    [Fact]
    public void NextInt_stays_in_range_and_rejects_non_positive_bounds()
    {
        var rng = new Rng(8);
        Assert.All(Enumerable.Range(0, 1000).Select(_ => rng.NextInt(7)), v => Assert.InRange(v, 0, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
    }
}
