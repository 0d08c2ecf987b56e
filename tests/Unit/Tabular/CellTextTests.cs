using System.Globalization;
using SessionAnalytics.Core.Tabular;

namespace SessionAnalytics.Tests.Tabular;

/// <summary>The one-cell text form of collections (what Export-Csv writes) and its parser.</summary>
public sealed class CellTextTests
{
    [Fact]
    public void A_list_prints_its_items_joined_by_semicolons()
    {
        CellList<string> branches = ["fix/login-timeout", "main"];
        Assert.Equal("fix/login-timeout; main", branches.ToString());
        Assert.Equal("", CellList<string>.Empty.ToString());
    }

    [Fact]
    public void A_map_prints_key_equals_value_in_the_order_given_with_invariant_numbers()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var costs = new CellMap<decimal>([new("claude-opus-4-6", 4.67m), new("claude-haiku-4-5", 1.42m)]);
            Assert.Equal("claude-opus-4-6=4.67; claude-haiku-4-5=1.42", costs.ToString());
        }
        finally { CultureInfo.CurrentCulture = previous; }
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("C:\\Users\\dev\\a;b=c.jsonl")]
    [InlineData("ends with a backslash\\")]
    [InlineData("x=1; y=2")]
    public void Any_item_survives_the_round_trip(string item)
    {
        CellList<string> list = [item, "second"];
        Assert.Equal([item, "second"], CellText.ParseList(list.ToString()));
        var map = new CellMap<string>([new(item, item)]);
        var back = CellText.ParseMap(map.ToString(), v => v);
        Assert.Equal(item, Assert.Single(back).Key);
        Assert.Equal(item, back[item]);
    }

    [Fact]
    public void Numbers_read_back_exactly()
    {
        var costs = new CellMap<decimal>([new("a", 0.0000123m), new("b", 12345.6789m)]);
        var back = CellText.ParseMap(costs.ToString(), CellText.Decimal);
        Assert.Equal(costs.ToList(), back.ToList());
        Assert.Equal(new long[] { 16_600_000, -3 }, CellText.ParseList("16600000; -3", CellText.Long));
    }

    [Theory]
    [InlineData("a=1; b", "'b' is not a key=value entry")]
    [InlineData("a=1=2", "'a=1=2' is not a key=value entry")]
    [InlineData("a=1; a=2", "The key 'a' appears twice")]
    public void A_malformed_map_cell_names_the_entry(string cell, string message)
    {
        var e = Assert.Throws<FormatException>(() => CellText.ParseMap(cell, CellText.Int));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Blank_cells_are_empty_collections()
    {
        Assert.Empty(CellText.ParseList(""));
        Assert.Empty(CellText.ParseList(null));
        Assert.Empty(CellText.ParseMap("  ", CellText.Int));
    }

    [Fact]
    public void Items_with_a_cell_form_use_it()
    {
        CellList<Item> items = [new("one"), new("two")];
        Assert.Equal("<one>; <two>", items.ToString());
    }

    [Fact]
    public void Lists_and_dictionaries_convert_implicitly()
    {
        CellList<string> fromList = new List<string> { "a" };
        CellList<string> fromArray = new[] { "b" };
        CellMap<int> fromDictionary = new Dictionary<string, int> { ["x"] = 1 };
        Assert.Equal("a", fromList.ToString());
        Assert.Equal("b", fromArray.ToString());
        Assert.Equal(1, fromDictionary["x"]);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(812, "812 B")]
    [InlineData(4300, "4.2 KB")]
    [InlineData(1_468_006, "1.4 MB")]
    [InlineData(5_368_709_120, "5.0 GB")]
    public void Sizes_read_for_people(long bytes, string expected)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try { Assert.Equal(expected, DisplayText.Size(bytes)); }
        finally { CultureInfo.CurrentCulture = previous; }
    }

    private sealed record Item(string Name) : ICellText
    {
        public string ToCellText() => $"<{Name}>";
    }
}
