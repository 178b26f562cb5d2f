using System.ClientModel;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SourceSearch.Answer;

/// <summary>
/// Asks the configured LLM to answer a question from numbered passages, and checks the citations of
/// every reply (<see cref="CitationChecker"/>). Never throws for a failure of the service or of its
/// reply: the answer then comes back not usable, with a notice a person can read (no stack trace, no
/// key), and the caller falls back to the extractive answer. Only the caller's own cancellation throws.
/// </summary>
public sealed class LlmAnswerer : IDisposable
{
    private const int SearchTermsMaxOutputTokens = 200;

    private readonly IChatClient? _client;
    private readonly bool _ownsClient;
    private readonly LlmOptions _options;
    private readonly ILogger _logger;
    private readonly TokenBudget _budget;
    private readonly string? _unavailable;

    public LlmAnswerer(IChatClient client, LlmOptions options, ILogger<LlmAnswerer>? logger = null, TimeProvider? time = null)
        : this(client, ownsClient: false, unavailable: null, options, logger, time)
    {
    }

    private LlmAnswerer(IChatClient? client, bool ownsClient, string? unavailable, LlmOptions options, ILogger? logger, TimeProvider? time)
    {
        _client = client;
        _ownsClient = ownsClient;
        _unavailable = unavailable;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _budget = new TokenBudget(options.DailyTokenBudget, time);
    }

    /// <summary>
    /// An answerer over <see cref="OpenAiCompatibleChatClient"/>. With the LLM off (no endpoint or
    /// model) or misconfigured, it still exists and answers every call with a notice saying so.
    /// </summary>
    public static LlmAnswerer Create(LlmOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LlmAnswerer>();
        if (!options.IsConfigured)
            return new LlmAnswerer(null, false, "No language model is configured (set Llm:Endpoint and Llm:Model, or SOURCESEARCH_LLM_ENDPOINT and SOURCESEARCH_LLM_MODEL).", options, logger, time);
        try
        {
            var client = new OpenAiCompatibleChatClient(options);
            logger.LogInformation("LLM answers from {Model} at {Endpoint}", options.Model, options.EndpointForDisplay);
            return new LlmAnswerer(client, true, null, options, logger, time);
        }
        catch (ArgumentException e)
        {
            logger.LogWarning("LLM connector is off: {Reason}", options.Redact(e.Message));
            return new LlmAnswerer(null, false, "The language model is not usable: " + options.Redact(e.Message), options, logger, time);
        }
    }

    /// <summary>True when calls go to a model (configured and valid).</summary>
    public bool IsConfigured => _client is not null;

    public TokenBudget Budget => _budget;

    public async Task<LlmAnswer> AnswerAsync(string question, IReadOnlyList<AnswerPassage> passages, CancellationToken cancellationToken = default)
    {
        if (Precheck(question, passages) is { } refusal) return refusal;
        var messages = Prompts.Answer(question, passages, _options.MaxPassageChars);
        try
        {
            var response = await _client!.GetResponseAsync(messages, ChatOptions(_options.MaxOutputTokens), cancellationToken).ConfigureAwait(false);
            Spend(response.Usage, messages, response.Text);
            return Checked(response.Text, passages, response.FinishReason == ChatFinishReason.Length);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(e, "answer", partial: false);
        }
    }

    /// <summary>
    /// Streams the reply's text as it comes (thinking blocks left out), then one
    /// <see cref="LlmAnswerCompleted"/> with the checked answer. A failure part-way ends the
    /// stream with a not-usable answer rather than an exception.
    /// </summary>
    public async IAsyncEnumerable<LlmAnswerEvent> StreamAnswerAsync(string question, IReadOnlyList<AnswerPassage> passages,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Precheck(question, passages) is { } refusal)
        {
            yield return new LlmAnswerCompleted(refusal);
            yield break;
        }
        var messages = Prompts.Answer(question, passages, _options.MaxPassageChars);
        var reply = new StringBuilder();
        var thinking = new ThinkingFilter();
        UsageDetails? usage = null;
        bool cutShort = false;
        LlmAnswer? failure = null;
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            // yield cannot sit inside a try with a catch, so each step is guarded on its own.
            try
            {
                updates = _client!.GetStreamingResponseAsync(messages, ChatOptions(_options.MaxOutputTokens), cancellationToken)
                    .GetAsyncEnumerator(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = Failed(e, "streamed answer", partial: false);
            }
            while (failure is null)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates!.MoveNextAsync().ConfigureAwait(false)) break;
                    update = updates.Current;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = Failed(e, "streamed answer", partial: reply.Length > 0);
                    break;
                }
                foreach (var content in update.Contents.OfType<UsageContent>()) usage = content.Details;
                if (update.FinishReason == ChatFinishReason.Length) cutShort = true;
                string delta = update.Text;
                if (delta.Length == 0) continue;
                reply.Append(delta);
                string visible = thinking.Push(delta);
                if (visible.Length > 0) yield return new LlmTextDelta(visible);
            }
        }
        finally
        {
            if (updates is not null)
            {
                try { await updates.DisposeAsync().ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException) { _logger.LogDebug("LLM stream did not close cleanly: {Type}", e.GetType().Name); }
            }
        }
        Spend(usage, messages, reply.ToString());
        yield return new LlmAnswerCompleted(failure ?? Checked(reply.ToString(), passages, cutShort));
    }

    /// <summary>
    /// Asks the LLM for Simplified Chinese search terms for an English question. Empty when the LLM
    /// is off, fails, or replies with nothing usable.
    /// </summary>
    public async Task<IReadOnlyList<string>> ChineseSearchTermsAsync(string englishQuestion, CancellationToken cancellationToken = default)
    {
        if (_client is null || string.IsNullOrWhiteSpace(englishQuestion) || _budget.Exhausted) return [];
        var messages = Prompts.SearchTerms(englishQuestion);
        try
        {
            var response = await _client.GetResponseAsync(messages, ChatOptions(SearchTermsMaxOutputTokens), cancellationToken).ConfigureAwait(false);
            Spend(response.Usage, messages, response.Text);
            var terms = SearchTermParser.Parse(response.Text);
            if (terms.Count == 0) _logger.LogWarning("LLM gave no usable Chinese search terms for an English question");
            return terms;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(e, "search terms", partial: false);
            return [];
        }
    }

    public void Dispose()
    {
        if (_ownsClient) _client?.Dispose();
    }

    private LlmAnswer? Precheck(string question, IReadOnlyList<AnswerPassage> passages)
    {
        if (_client is null) return LlmAnswer.Unusable(_unavailable ?? "No language model is configured.");
        if (string.IsNullOrWhiteSpace(question)) return LlmAnswer.Unusable("There is no question to answer.");
        if (passages.Count == 0) return LlmAnswer.Unusable("There are no passages for the language model to answer from.");
        if (_budget.Exhausted) return LlmAnswer.Unusable("Today's token budget for the language model is used up.");
        return null;
    }

    private ChatOptions ChatOptions(int maxOutputTokens) => new()
    {
        MaxOutputTokens = maxOutputTokens > 0 ? maxOutputTokens : null,
        Temperature = _options.Temperature,
    };

    private LlmAnswer Checked(string reply, IReadOnlyList<AnswerPassage> passages, bool cutShort)
    {
        var answer = CitationChecker.Check(reply, passages.Select(p => p.N));
        if (!answer.Usable)
            _logger.LogInformation("LLM answer not usable: {Notice}", answer.Notice);
        else if (cutShort)
            answer = answer with { Notice = Join("The answer was cut short at the output limit.", answer.Notice) };
        return answer;
    }

    private void Spend(UsageDetails? usage, IEnumerable<ChatMessage> messages, string reply) =>
        _budget.Add(usage?.TotalTokenCount
            ?? (usage?.InputTokenCount + usage?.OutputTokenCount)
            ?? messages.Sum(m => (long)m.Text.Length) + reply.Length);

    private LlmAnswer Failed(Exception e, string what, bool partial)
    {
        string notice = _options.Redact(Describe(e, partial));
        _logger.LogWarning("LLM {What} failed: {Notice} ({ExceptionType})", what, notice, e.GetType().Name);
        _logger.LogDebug("LLM {What} failure detail: {Detail}", what, _options.Redact(e.ToString()));
        return LlmAnswer.Unusable(notice);
    }

    /// <summary>What went wrong, for a person: built from the failure's kind, never from its message (which may quote the service).</summary>
    private string Describe(Exception e, bool partial)
    {
        string service = $"The language model service at {_options.EndpointForDisplay}";
        if (e is ClientResultException { Status: > 0 } http)
        {
            int status = http.Status;
            return status switch
            {
                401 or 403 => $"{service} refused the request (HTTP {status}): check the API key.",
                404 => $"{service} answered HTTP 404: check the endpoint and the model name ({_options.Model}).",
                429 => $"{service} is busy (HTTP 429), still after {_options.MaxRetries} retries.",
                >= 500 => $"{service} failed (HTTP {status}), still after {_options.MaxRetries} retries.",
                _ => $"{service} rejected the request (HTTP {status}).",
            };
        }
        if (Find<TimeoutException>(e) is not null || Find<OperationCanceledException>(e) is not null)
            return $"{service} did not answer within {_options.TimeoutSeconds:0.#} seconds.";
        if (Find<JsonException>(e) is not null || Find<FormatException>(e) is not null)
            return $"{service} sent a reply that could not be read as a chat completion.";
        if (partial)
            return $"{service} stopped part-way through its answer.";
        if (Find<SocketException>(e) is { } socket)
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"{service} could not be reached: the connection was refused.",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"{service} could not be reached: its host name was not found.",
                SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => $"{service} closed the connection before answering.",
                _ => $"{service} could not be reached ({socket.SocketErrorCode}).",
            };
        if (Find<HttpRequestException>(e) is not null || e is ClientResultException)
            return $"{service} could not be reached.";
        if (Find<IOException>(e) is not null)
            return $"{service} closed the connection before answering.";
        if (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or KeyNotFoundException or NullReferenceException)
            return $"{service} sent a reply that could not be read as a chat completion.";
        return $"{service} failed ({e.GetType().Name}).";
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    private static string Join(string first, string? second) => second is null ? first : first + " " + second;

    /// <summary>Holds back a leading &lt;think&gt;…&lt;/think&gt; block while streaming, so only the answer is shown.</summary>
    private sealed class ThinkingFilter
    {
        private const string Open = "<think>", Close = "</think>";
        private readonly StringBuilder _held = new();
        private enum State { Undecided, Thinking, AfterThinking, Passing }
        private State _state;

        public string Push(string delta)
        {
            switch (_state)
            {
                case State.Passing:
                    return delta;
                case State.AfterThinking:
                    // The answer starts at its first visible character, not at the line breaks after the thinking.
                    delta = delta.TrimStart();
                    if (delta.Length > 0) _state = State.Passing;
                    return delta;
            }
            _held.Append(delta);
            string held = _held.ToString();
            if (_state == State.Undecided)
            {
                string start = held.TrimStart();
                if (start.Length < Open.Length && Open.StartsWith(start, StringComparison.OrdinalIgnoreCase)) return "";
                if (!start.StartsWith(Open, StringComparison.OrdinalIgnoreCase)) return Release(held, State.Passing);
                _state = State.Thinking;
            }
            int close = held.IndexOf(Close, StringComparison.OrdinalIgnoreCase);
            return close < 0 ? "" : Release(held[(close + Close.Length)..], State.AfterThinking);
        }

        private string Release(string text, State next)
        {
            _held.Clear();
            _state = next;
            return next == State.AfterThinking ? Push(text) : text;
        }
    }
}
