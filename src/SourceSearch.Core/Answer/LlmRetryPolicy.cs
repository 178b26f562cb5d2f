using System.ClientModel.Primitives;
using System.Globalization;

namespace SourceSearch.Answer;

/// <summary>
/// Retries a request that got 429 or a 5xx, waiting base × 2^(try−1) (or what Retry-After asks,
/// up to <see cref="MaxRetryAfter"/>). Transport failures and timeouts are not retried: a service
/// that is down or hangs should be reported at once, not after minutes.
/// </summary>
internal sealed class LlmRetryPolicy(int maxRetries, TimeSpan baseDelay) : ClientRetryPolicy(Math.Max(0, maxRetries))
{
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(20);

    protected override bool ShouldRetry(PipelineMessage message, Exception? exception) =>
        IsRetriable(message, exception) && base.ShouldRetry(message, exception);

    protected override async ValueTask<bool> ShouldRetryAsync(PipelineMessage message, Exception? exception) =>
        IsRetriable(message, exception) && await base.ShouldRetryAsync(message, exception).ConfigureAwait(false);

    private static bool IsRetriable(PipelineMessage message, Exception? exception) =>
        exception is null && message.Response is { Status: 429 or >= 500 and < 600 };

    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var delay = baseDelay * Math.Pow(2, Math.Clamp(tryCount - 1, 0, 16));
        if (message.Response?.Headers.TryGetValue("Retry-After", out string? retryAfter) == true
            && double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0)
        {
            var asked = TimeSpan.FromSeconds(Math.Min(seconds, MaxRetryAfter.TotalSeconds));
            if (asked > delay) delay = asked;
        }
        return delay;
    }
}
