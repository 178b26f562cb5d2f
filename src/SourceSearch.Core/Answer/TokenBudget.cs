namespace SourceSearch.Answer;

/// <summary>
/// Tokens spent today (UTC) against <see cref="LlmOptions.DailyTokenBudget"/>, counted in this process.
/// Uses what the service reports, or an estimate (a character a token) when it reports nothing.
/// </summary>
public sealed class TokenBudget(long? dailyLimit, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private DateOnly _day;
    private long _spent;

    public bool Exhausted
    {
        get
        {
            if (dailyLimit is null) return false;
            lock (_lock) { RollOver(); return _spent >= dailyLimit; }
        }
    }

    public long SpentToday
    {
        get { lock (_lock) { RollOver(); return _spent; } }
    }

    public void Add(long tokens)
    {
        if (tokens <= 0) return;
        lock (_lock) { RollOver(); _spent += tokens; }
    }

    // A new UTC day starts a new count; called under the lock.
    private void RollOver()
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        if (today != _day) { _day = today; _spent = 0; }
    }
}
