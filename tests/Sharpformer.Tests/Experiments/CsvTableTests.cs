using Sharpformer.Experiments;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Experiments;

public sealed class CsvTableTests
{
    [Fact]
    public void Written_cells_read_back_identically_and_feed_the_markdown()
    {
        var table = new CsvTable("arch", "n", "ms");
        table.Add("lstm, 1 layer", 16, 12.345678);
        table.Add("say \"hi\"", 1024, 0.000123456);
        using var dir = new TemporaryDirectory();
        table.Write(dir.File("t.csv"));
        var back = CsvTable.Read(dir.File("t.csv"));
        Assert.Equal(table.Columns, back.Columns);
        Assert.Equal(table.Rows, back.Rows);
        Assert.Equal("12.35", back.Get(back.Rows[0], "ms"));
        Assert.Equal("1.235E-4", back.Get(back.Rows[1], "ms"));
        Assert.Contains("| lstm, 1 layer | 16 | 12.35 |", table.ToMarkdown());
    }

    [Fact]
    public void A_row_of_the_wrong_width_is_rejected()
    {
        var table = new CsvTable("a", "b");
        Assert.Throws<ArgumentException>(() => table.Add(1));
    }
}
