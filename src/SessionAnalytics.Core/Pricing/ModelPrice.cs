namespace SessionAnalytics.Core.Pricing;

/// <summary>Prices of one model in USD per million tokens.</summary>
public sealed record ModelPrice(
    string Model,
    decimal Input,
    decimal Output,
    decimal CacheWrite5m,
    decimal CacheWrite1h,
    decimal CacheRead,
    LongContextPrice? LongContext = null)
{
    /// <summary>Derives cache prices from the input price by Anthropic's published multipliers.</summary>
    public static ModelPrice FromInputOutput(string model, decimal input, decimal output, LongContextPrice? longContext = null) =>
        new(model, input, output, input * 1.25m, input * 2m, input * 0.1m, longContext);
}

/// <summary>The premium tier a response falls into when its prompt exceeds <see cref="ThresholdTokens"/>.</summary>
public sealed record LongContextPrice(long ThresholdTokens, decimal Input, decimal Output);

/// <summary>The token counts of one API response, as priced.</summary>
public readonly record struct ResponseTokens(long Input, long Output, long CacheWrite5m, long CacheWrite1h, long CacheRead)
{
    public long CacheWrite => CacheWrite5m + CacheWrite1h;
    public long Prompt => Input + CacheWrite + CacheRead;
    public long Total => Prompt + Output;
}
