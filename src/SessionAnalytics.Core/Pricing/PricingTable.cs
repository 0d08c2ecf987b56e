using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Pricing;

/// <summary>
/// Prices as data: a built-in table of published Anthropic prices (Pricing/prices.json), which a pricing file can
/// override or extend. Model ids are normalised (dates, provider prefixes, context suffixes) before lookup; an
/// unknown model has no price — never a guessed one.
/// </summary>
public sealed partial class PricingTable
{
    private const decimal PerMillion = 1_000_000m;
    private readonly Dictionary<string, ModelPrice> _prices;
    private readonly Dictionary<string, string> _aliases;

    private PricingTable(Dictionary<string, ModelPrice> prices, Dictionary<string, string> aliases)
    {
        _prices = prices;
        _aliases = aliases;
    }

    public static PricingTable Default { get; } = LoadBuiltIn();

    public IEnumerable<string> ModelIds => _prices.Keys.Order(StringComparer.Ordinal);

    /// <summary>The built-in table with the models of <paramref name="path"/> added or replaced.</summary>
    public static PricingTable WithOverrides(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineException(new EngineError("PricingFileUnreadable", ErrorKind.ReadError, $"Cannot read the pricing file '{path}': {e.Message}", path, e));
        }
        var prices = new Dictionary<string, ModelPrice>(Default._prices, StringComparer.OrdinalIgnoreCase);
        var aliases = new Dictionary<string, string>(Default._aliases, StringComparer.OrdinalIgnoreCase);
        try { Parse(text, prices, aliases); }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new EngineException(new EngineError("PricingFileInvalid", ErrorKind.InvalidData,
                $"The pricing file '{path}' is not valid: {e.Message}", path, e)
            { RecommendedAction = "Give a JSON object {\"models\": {\"<model id>\": {\"input\": <USD per million>, \"output\": <USD per million>}}}." });
        }
        return new PricingTable(prices, aliases);
    }

    public bool TryGetPrice(string model, out ModelPrice price)
    {
        var key = Normalize(model);
        if (_aliases.TryGetValue(key, out var target)) key = target;
        if (_prices.TryGetValue(key, out price!)) return true;
        // A family id without a minor version (claude-sonnet-4-5-20250929 → claude-sonnet-4-5 already handled);
        // nothing else is guessed.
        price = null!;
        return false;
    }

    /// <summary>Cost in USD of one response, or null when the model has no price.</summary>
    public decimal? Cost(string model, ResponseTokens t)
    {
        if (!TryGetPrice(model, out var p)) return null;
        decimal input = p.Input, output = p.Output, write5m = p.CacheWrite5m, write1h = p.CacheWrite1h, read = p.CacheRead;
        if (p.LongContext is { } lc && t.Prompt > lc.ThresholdTokens)
        {
            // The premium tier re-prices the whole response; cache prices keep their multipliers of input.
            var factor = lc.Input / p.Input;
            (input, output, write5m, write1h, read) = (lc.Input, lc.Output, write5m * factor, write1h * factor, read * factor);
        }
        return (t.Input * input + t.Output * output + t.CacheWrite5m * write5m + t.CacheWrite1h * write1h + t.CacheRead * read) / PerMillion;
    }

    /// <summary>
    /// claude-sonnet-4-5-20250929 → claude-sonnet-4-5; anthropic.claude-3-5-haiku-20241022-v1:0 → claude-3-5-haiku;
    /// claude-opus-4-6[1m] → claude-opus-4-6; claude-opus-4-1@20250805 → claude-opus-4-1.
    /// </summary>
    public static string Normalize(string model)
    {
        var m = model.Trim().ToLowerInvariant();
        m = ContextSuffix().Replace(m, "");
        var slash = m.LastIndexOf('/');
        if (slash >= 0) m = m[(slash + 1)..];
        var claude = m.IndexOf("claude-", StringComparison.Ordinal);
        if (claude > 0) m = m[claude..];
        m = VersionSuffix().Replace(m, "");
        m = DateSuffix().Replace(m, "");
        return m;
    }

    [GeneratedRegex(@"\[[^\]]*\]$")]
    private static partial Regex ContextSuffix();

    [GeneratedRegex(@"-v\d+(:\d+)?$")]
    private static partial Regex VersionSuffix();

    [GeneratedRegex(@"[-@]\d{8}$")]
    private static partial Regex DateSuffix();

    private static PricingTable LoadBuiltIn()
    {
        using var stream = typeof(PricingTable).Assembly.GetManifestResourceStream("SessionAnalytics.Core.Pricing.prices.json")
            ?? throw new InvalidOperationException("The built-in price table is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Parse(reader.ReadToEnd(), prices, aliases);
        return new PricingTable(prices, aliases);
    }

    private static void Parse(string json, Dictionary<string, ModelPrice> prices, Dictionary<string, string> aliases)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Object)
            throw new FormatException("expected an object with a \"models\" object");
        foreach (var m in models.EnumerateObject())
        {
            var id = Normalize(m.Name);
            var v = m.Value;
            var input = Number(v, "input", m.Name);
            var output = Number(v, "output", m.Name);
            LongContextPrice? lc = null;
            if (v.TryGetProperty("longContext", out var l) && l.ValueKind == JsonValueKind.Object)
                lc = new LongContextPrice((long)Number(l, "thresholdTokens", m.Name), Number(l, "input", m.Name), Number(l, "output", m.Name));
            var price = ModelPrice.FromInputOutput(id, input, output, lc);
            price = price with
            {
                CacheWrite5m = Optional(v, "cacheWrite5m") ?? price.CacheWrite5m,
                CacheWrite1h = Optional(v, "cacheWrite1h") ?? price.CacheWrite1h,
                CacheRead = Optional(v, "cacheRead") ?? price.CacheRead,
            };
            prices[id] = price;
        }
        if (root.TryGetProperty("aliases", out var a) && a.ValueKind == JsonValueKind.Object)
            foreach (var p in a.EnumerateObject())
                aliases[p.Name] = Normalize(p.Value.GetString() ?? throw new FormatException($"alias '{p.Name}' has no target"));
    }

    private static decimal Number(JsonElement e, string name, string model) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDecimal()
            : throw new FormatException($"model '{model}' lacks a numeric \"{name}\"");

    private static decimal? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;
}
