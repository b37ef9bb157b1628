namespace Sharpformer.NN;

/// <summary>An indexed list of child modules registered as "0", "1", … — PyTorch's <c>nn.ModuleList</c>.</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> _items = new();

    /// <summary>Creates the list from <paramref name="items"/>.</summary>
    public ModuleList(IEnumerable<T> items)
    {
        foreach (var item in items) _items.Add(RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), item));
    }

    /// <summary>Number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    public T this[int index] => _items[index];

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<T> Items => _items;
}
