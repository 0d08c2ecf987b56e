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
        var costs = new CellMap<decimal>([new("claude-opus-4-6", 4.67m), new("claude-haiku-4-5", 1.42m)]);
        InCulture("de-DE", () => Assert.Equal("claude-opus-4-6=4.67; claude-haiku-4-5=1.42", costs.ToString()));
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
        InCulture("", () => Assert.Equal(expected, DisplayText.Size(bytes)));
    }

    [Fact]
    public void Items_with_a_cell_form_write_their_own_separators_and_read_back_from_the_raw_items()
    {
        CellList<Entry> entries = [new("a;b", "x y"), new("-", null)];
        Assert.Equal(@"a\;b=x\ y; -=-", entries.ToString());
        var back = CellText.Items(entries.ToString()).Select(raw => CellText.SplitFirst(raw, '=') is var (key, word)
            ? new Entry(CellText.Unescape(key), CellText.ReadWord(word)) : throw new FormatException(raw));
        Assert.Equal(entries, back);
        Assert.Null(CellText.SplitFirst(@"no\=separator", '='));
    }

    [Fact]
    public void A_map_of_maps_is_one_flat_map_cell()
    {
        var edges = new NestedCellMap<int>(new Dictionary<string, IReadOnlyDictionary<string, int>>
        {
            ["tdd"] = new Dictionary<string, int> { ["A->B"] = 1, ["B->C"] = 2 },
            ["my family"] = new Dictionary<string, int> { ["X->Y"] = 3 },
            ["empty"] = new Dictionary<string, int>(),
        });
        Assert.Equal(@"tdd A->B=1; tdd B->C=2; my\ family X->Y=3", edges.ToString());
        var back = CellText.ParseNestedMap(edges.ToString(), CellText.Int);
        Assert.Equal(["tdd", "my family"], back.Keys);
        Assert.Equal(2, back["tdd"]["B->C"]);
        Assert.Contains("'A->B=1' is not an 'outer inner=value' entry", Assert.Throws<FormatException>(() => CellText.ParseNestedMap("A->B=1", CellText.Int)).Message);
        Assert.Contains("appears twice", Assert.Throws<FormatException>(() => CellText.ParseNestedMap("t A=1; t A=2", CellText.Int)).Message);
    }

    [Theory]
    [InlineData(6.1749, "$6.17")]
    [InlineData(0.005, "$0.01")]
    [InlineData(0.0031, "<$0.01")]
    [InlineData(0, "$0.00")]
    [InlineData(1204.5, "$1,204.50")]
    public void Costs_read_for_people(double usd, string expected)
    {
        InCulture("de-DE", () => Assert.Equal(expected, DisplayText.Cost((decimal)usd)));
    }

    [Fact]
    public void An_unpriced_cost_says_so()
    {
        Assert.Equal("unpriced", DisplayText.Cost(null));
        Assert.Equal("$0.17", DisplayText.SessionCost(0.17m, models: 2, unpricedModels: 0));
        Assert.Equal("$0.17+", DisplayText.SessionCost(0.17m, models: 2, unpricedModels: 1));
        Assert.Equal("unpriced", DisplayText.SessionCost(0m, models: 1, unpricedModels: 1));
    }

    /// <summary>Runs <paramref name="test"/> with the current culture set to <paramref name="name"/> ("" is the invariant one).</summary>
    private static void InCulture(string name, Action test)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        try { test(); }
        finally { CultureInfo.CurrentCulture = previous; }
    }

    private sealed record Entry(string Key, string? Word) : ICellText
    {
        public string ToCellText() => CellText.Escape(Key) + "=" + CellText.Word(Word);
    }

    private sealed record Item(string Name) : ICellText
    {
        public string ToCellText() => $"<{Name}>";
    }
}
