using System.Globalization;
using System.Text;

namespace Sharpformer.Experiments;

/// <summary>
/// The raw measurements of an experiment: named columns and rows of cells, each number formatted once. The same cell
/// strings go into the CSV file and into the markdown tables, so every number in the report is the one in the CSV.
/// </summary>
public sealed class CsvTable
{
    private readonly List<string[]> _rows = [];

    /// <summary>Creates an empty table with the given column names.</summary>
    public CsvTable(params string[] columns)
    {
        if (columns.Length == 0) throw new ArgumentException("A CSV table needs at least one column.", nameof(columns));
        Columns = columns;
    }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows, each one cell per column.</summary>
    public IReadOnlyList<string[]> Rows => _rows;

    /// <summary>Appends a row; numbers are formatted with <see cref="Cell"/>.</summary>
    public string[] Add(params object[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"CSV row of {cells.Length} cells does not match the {Columns.Count} columns ({string.Join(",", Columns)}).");
        var row = cells.Select(Cell).ToArray();
        _rows.Add(row);
        return row;
    }

    /// <summary>The cell of <paramref name="row"/> in the column called <paramref name="column"/>.</summary>
    public string Get(string[] row, string column)
    {
        int index = Columns.ToList().IndexOf(column);
        if (index < 0) throw new ArgumentException($"No column '{column}' (columns: {string.Join(", ", Columns)}).", nameof(column));
        return row[index];
    }

    /// <summary>The cell parsed as a number (invariant culture).</summary>
    public double Number(string[] row, string column) => double.Parse(Get(row, column), CultureInfo.InvariantCulture);

    /// <summary>
    /// The invariant text of a cell: floating-point numbers to about four significant digits (below 0.001 in scientific
    /// notation, so a vanishing gradient is not printed as 0), integers and strings as they are.
    /// </summary>
    public static string Cell(object value) => value switch
    {
        double d => Round(d),
        float f => Round(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Writes the table as RFC 4180 CSV (quoting cells with commas, quotes or line breaks).</summary>
    public void Write(string path)
    {
        var text = new StringBuilder();
        foreach (var row in _rows.Prepend([.. Columns])) text.Append(string.Join(',', row.Select(Quote))).Append('\n');
        IO.AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a CSV file written by <see cref="Write"/> (or any simple CSV with a header and no quoted line breaks).</summary>
    /// <exception cref="InvalidDataException">A row has a different number of cells than the header.</exception>
    public static CsvTable Read(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) throw new InvalidDataException($"{path}: the CSV file is empty.");
        var table = new CsvTable(Split(lines[0]));
        for (int i = 1; i < lines.Count; i++)
        {
            var cells = Split(lines[i]);
            if (cells.Length != table.Columns.Count)
                throw new InvalidDataException($"{path}:{i + 1}: {cells.Length} cells, but the header has {table.Columns.Count}.");
            table._rows.Add(cells);
        }
        return table;
    }

    /// <summary>A markdown table of the given columns (all when none are named), with optional display headers.</summary>
    public string ToMarkdown(IReadOnlyList<string>? columns = null, IReadOnlyList<string>? headers = null, Func<string[], bool>? where = null)
    {
        columns ??= Columns;
        headers ??= columns;
        var md = new StringBuilder();
        md.Append("| ").Append(string.Join(" | ", headers)).Append(" |\n");
        md.Append('|').Append(string.Concat(columns.Select(_ => "---|"))).Append('\n');
        foreach (var row in _rows.Where(r => where?.Invoke(r) ?? true))
            md.Append("| ").Append(string.Join(" | ", columns.Select(c => Get(row, c)))).Append(" |\n");
        return md.ToString();
    }

    private static string Round(double value)
    {
        double a = Math.Abs(value);
        string format = a >= 100 ? "0.#" : a >= 10 ? "0.##" : a >= 1 ? "0.###" : a >= 1e-3 || a == 0 ? "0.####" : "0.###E+0";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"") + "\"";

    private static string[] Split(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return [.. cells];
    }
}
