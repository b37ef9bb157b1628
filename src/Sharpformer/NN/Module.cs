using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>
/// Base class of every layer and model, shaped like PyTorch's <c>nn.Module</c>: parameters and child modules are
/// registered under names, so <see cref="NamedParameters"/> and <see cref="StateDict"/> give hierarchical dotted names
/// (<c>encoder.layers.0.self_attn.q_proj.weight</c>); <see cref="Train"/>/<see cref="Eval"/> switch dropout for the
/// whole tree.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = new();
    private readonly List<(string Name, Module Module)> _children = new();

    /// <summary>True in training mode (dropout active), false after <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Registers a trainable tensor under <paramref name="name"/> and marks it as requiring gradients.</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.RequiresGrad = true;
        _parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    /// <summary>Every parameter with its dotted name, depth first in registration order; a shared (tied) tensor appears once.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, tensor) in AllNamedParameters(""))
            if (seen.Add(tensor)) yield return (name, tensor);
    }

    /// <summary>The distinct parameters, for an optimiser.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Number of trainable scalars (tied tensors counted once).</summary>
    public long ParameterCount => NamedParameters().Sum(p => (long)p.Parameter.Length);

    /// <summary>Every parameter under every name it is registered with (tied weights appear under each name, as in PyTorch).</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in AllNamedParameters("")) dict[name] = tensor;
        return dict;
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into the parameters of the same names. With <paramref name="strict"/>,
    /// missing and unexpected names are errors; a shape mismatch always is. Messages name the keys and shapes at fault.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var problems = new List<string>();
        if (strict)
        {
            var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
            var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
            if (missing.Count > 0) problems.Add("missing keys: " + string.Join(", ", missing));
            if (unexpected.Count > 0) problems.Add("unexpected keys: " + string.Join(", ", unexpected));
        }
        foreach (var (name, target) in own)
            if (state.TryGetValue(name, out var source) && !Shape.Equal(source.Shape, target.Shape))
                problems.Add($"{name}: checkpoint shape {Shape.Format(source.Shape)} vs model shape {Shape.Format(target.Shape)}");
        if (problems.Count > 0)
            throw new ArgumentException($"LoadStateDict({GetType().Name}): " + string.Join("; ", problems) + ".", nameof(state));
        foreach (var (name, target) in own)
            if (state.TryGetValue(name, out var source)) source.Data.CopyTo(target.Data);
    }

    /// <summary>Sets training mode on this module and all descendants; returns this.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in _children) child.Train(training);
        return this;
    }

    /// <summary>Evaluation mode (dropout off); returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>Zeroes the gradients of all parameters in place.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Every descendant module (this one first), depth first.</summary>
    public IEnumerable<Module> Modules()
    {
        yield return this;
        foreach (var (_, child) in _children)
            foreach (var m in child.Modules()) yield return m;
    }

    private IEnumerable<(string, Tensor)> AllNamedParameters(string prefix)
    {
        foreach (var (name, tensor) in _parameters) yield return (prefix + name, tensor);
        foreach (var (name, child) in _children)
            foreach (var item in child.AllNamedParameters(prefix + name + ".")) yield return item;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: invalid member name '{name}' (must be non-empty without dots).", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: '{name}' is already registered.", nameof(name));
    }
}
