using System.ClientModel;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace SourceSearch.Answer;

/// <summary>
/// Asks the configured LLM (a Semantic Kernel) to answer a question from numbered passages, letting it search
/// the corpus further through <see cref="CorpusPlugin"/> within a bound on calls and tokens, and checks the
/// citations and quotes of every reply (<see cref="CitationChecker"/>). Never throws for a failure of the
/// service or of its reply: the answer then comes back not usable, with a notice a person can read (no stack
/// trace, no key), and the caller falls back to the extractive answer. Only the caller's own cancellation throws.
/// </summary>
public sealed class LlmAnswerer
{
    private const int SearchTermsMaxOutputTokens = 200;

    private readonly Kernel? _kernel;
    private readonly LlmOptions _options;
    private readonly ILogger _logger;
    private readonly TokenBudget _budget;
    private readonly string? _unavailable;

    public LlmAnswerer(Kernel kernel, LlmOptions options, ILogger<LlmAnswerer>? logger = null, TimeProvider? time = null)
        : this(kernel, unavailable: null, options, logger, time)
    {
    }

    private LlmAnswerer(Kernel? kernel, string? unavailable, LlmOptions options, ILogger? logger, TimeProvider? time)
    {
        _kernel = kernel;
        _unavailable = unavailable;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _budget = new TokenBudget(options.DailyTokenBudget, time);
    }

    /// <summary>
    /// An answerer over a kernel built by <see cref="LlmKernel"/>. With the LLM off (no endpoint or model) or
    /// misconfigured, no kernel is built: it still exists and answers every call with a notice saying so.
    /// </summary>
    public static LlmAnswerer Create(LlmOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LlmAnswerer>();
        if (!options.IsConfigured)
            return new LlmAnswerer(null, "No language model is configured (set Llm:Endpoint and Llm:Model, or SOURCESEARCH_LLM_ENDPOINT and SOURCESEARCH_LLM_MODEL).", options, logger, time);
        try
        {
            var kernel = LlmKernel.Create(options);
            logger.LogInformation("LLM answers from {Model} at {Endpoint}", options.Model, options.EndpointForDisplay);
            return new LlmAnswerer(kernel, null, options, logger, time);
        }
        catch (ArgumentException e)
        {
            logger.LogWarning("LLM connector is off: {Reason}", options.Redact(e.Message));
            return new LlmAnswerer(null, "The language model is not usable: " + options.Redact(e.Message), options, logger, time);
        }
    }

    /// <summary>True when calls go to a model (configured and valid).</summary>
    public bool IsConfigured => _kernel is not null;

    public TokenBudget Budget => _budget;

    public Task<LlmAnswer> AnswerAsync(string question, IReadOnlyList<AnswerPassage> passages, CancellationToken cancellationToken = default) =>
        AnswerAsync(question, passages, null, cancellationToken);

    /// <summary>
    /// The model's checked answer from <paramref name="passages"/>; with a <paramref name="corpus"/>, the model may
    /// call the corpus functions to look further, and may cite what they return.
    /// </summary>
    public async Task<LlmAnswer> AnswerAsync(string question, IReadOnlyList<AnswerPassage> passages, IPassageSource? corpus, CancellationToken cancellationToken = default)
    {
        if (Precheck(question, passages) is { } refusal) return refusal;
        var session = new AnswerSession(this, passages, corpus);
        var arguments = session.Arguments(question);
        try
        {
            var result = await session.Kernel.InvokeAsync(Prompts.Answer, arguments, cancellationToken).ConfigureAwait(false);
            var message = result.GetValue<ChatMessageContent>();
            string reply = message?.Content ?? "";
            Spend(session, arguments, reply, ReportedTokens(message?.Metadata));
            if (session.Stopped is { } stopped) return Unusable(stopped, session);
            return Checked(reply, session, IsCutShort(message?.Metadata));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Spend(session, arguments, "", null);
            return Failed(e, "answer", partial: false);
        }
    }

    public IAsyncEnumerable<LlmAnswerEvent> StreamAnswerAsync(string question, IReadOnlyList<AnswerPassage> passages, CancellationToken cancellationToken = default) =>
        StreamAnswerAsync(question, passages, null, cancellationToken);

    /// <summary>
    /// Streams the reply's text as it comes (thinking blocks left out), then one <see cref="LlmAnswerCompleted"/>
    /// with the checked answer. Function calls happen between the model's turns; text a turn wrote before asking
    /// for a function is not part of the answer. A failure part-way ends the stream with a not-usable answer
    /// rather than an exception.
    /// </summary>
    public async IAsyncEnumerable<LlmAnswerEvent> StreamAnswerAsync(string question, IReadOnlyList<AnswerPassage> passages, IPassageSource? corpus,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Precheck(question, passages) is { } refusal)
        {
            yield return new LlmAnswerCompleted(refusal);
            yield break;
        }
        var session = new AnswerSession(this, passages, corpus);
        var arguments = session.Arguments(question);
        var reply = new StringBuilder();
        var thinking = new ThinkingFilter();
        long? usage = null;
        bool cutShort = false;
        int turn = 0;
        LlmAnswer? failure = null;
        IAsyncEnumerator<StreamingChatMessageContent>? updates = null;
        try
        {
            // yield cannot sit inside a try with a catch, so each step is guarded on its own.
            try
            {
                updates = session.Kernel.InvokeStreamingAsync<StreamingChatMessageContent>(Prompts.Answer, arguments, cancellationToken)
                    .GetAsyncEnumerator(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = Failed(e, "streamed answer", partial: false);
            }
            while (failure is null)
            {
                StreamingChatMessageContent update;
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
                if (session.Turns != turn)
                {
                    // A function was called since the last piece: what came before was a turn that asked for it.
                    (turn, usage, cutShort) = (session.Turns, null, false);
                    reply.Clear();
                    thinking = new ThinkingFilter();
                }
                if (update.Role == AuthorRole.Tool) continue;   // a function's result, given back when the calls were stopped
                usage = ReportedTokens(update.Metadata) ?? usage;
                cutShort |= IsCutShort(update.Metadata);
                string delta = update.Content ?? "";
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
        Spend(session, arguments, reply.ToString(), usage);
        if (failure is null && session.Stopped is { } stopped) failure = Unusable(stopped, session);
        yield return new LlmAnswerCompleted(failure ?? Checked(reply.ToString(), session, cutShort));
    }

    /// <summary>
    /// Asks the LLM for Simplified Chinese search terms for an English question. Empty when the LLM
    /// is off, fails, or replies with nothing usable.
    /// </summary>
    public async Task<IReadOnlyList<string>> ChineseSearchTermsAsync(string englishQuestion, CancellationToken cancellationToken = default)
    {
        if (_kernel is null || string.IsNullOrWhiteSpace(englishQuestion) || _budget.Exhausted) return [];
        var arguments = Prompts.SearchTermsArguments(englishQuestion, Settings(SearchTermsMaxOutputTokens, tools: false));
        try
        {
            var result = await _kernel.InvokeAsync(Prompts.SearchTerms, arguments, cancellationToken).ConfigureAwait(false);
            var message = result.GetValue<ChatMessageContent>();
            string reply = message?.Content ?? "";
            _budget.Add(ReportedTokens(message?.Metadata) ?? englishQuestion.Length + 600 + reply.Length);   // unreported: the prompt's ~600 characters, a character a token
            var terms = SearchTermParser.Parse(reply);
            if (terms.Count == 0) _logger.LogWarning("LLM gave no usable Chinese search terms for an English question");
            return terms;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(e, "search terms", partial: false);
            return [];
        }
    }

    private LlmAnswer? Precheck(string question, IReadOnlyList<AnswerPassage> passages)
    {
        if (_kernel is null) return LlmAnswer.Unusable(_unavailable ?? "No language model is configured.");
        if (string.IsNullOrWhiteSpace(question)) return LlmAnswer.Unusable("There is no question to answer.");
        if (passages.Count == 0) return LlmAnswer.Unusable("There are no passages for the language model to answer from.");
        if (_budget.Exhausted) return LlmAnswer.Unusable("Today's token budget for the language model is used up.");
        return null;
    }

    private OpenAIPromptExecutionSettings Settings(int maxOutputTokens, bool tools) => new()
    {
        MaxTokens = maxOutputTokens > 0 ? maxOutputTokens : null,
        Temperature = _options.Temperature,
        // Functions run one at a time: each numbers the passages it finds, in the order the model asked.
        FunctionChoiceBehavior = tools ? FunctionChoiceBehavior.Auto(options: new FunctionChoiceBehaviorOptions { AllowConcurrentInvocation = false }) : null,
    };

    private LlmAnswer Checked(string reply, AnswerSession session, bool cutShort)
    {
        var answer = CitationChecker.Check(reply, session.Book.Passages) with { FunctionCalls = session.Calls };
        if (!answer.Usable)
            _logger.LogInformation("LLM answer not usable: {Notice}", answer.Notice);
        else if (cutShort)
            answer = answer with { Notice = Join("The answer was cut short at the output limit.", answer.Notice) };
        if (session.Calls > 0)
            _logger.LogInformation("LLM made {Calls} function calls for an answer ({Passages} passages received)", session.Calls, session.Book.Passages.Count);
        return answer;
    }

    private LlmAnswer Unusable(string notice, AnswerSession session)
    {
        _logger.LogWarning("LLM answer stopped: {Notice}", notice);
        return LlmAnswer.Unusable(notice) with { FunctionCalls = session.Calls };
    }

    /// <summary>
    /// Adds the answer's tokens to today's: what the service reported for each turn, or an estimate (a character
    /// a token) for a turn it reported nothing for.
    /// </summary>
    private void Spend(AnswerSession session, KernelArguments arguments, string reply, long? reported) =>
        _budget.Add(session.Spent + (reported ?? PromptChars(arguments) + session.FunctionResultChars + reply.Length));

    private static long PromptChars(KernelArguments arguments) =>
        arguments.Sum(a => (long)(a.Value?.ToString()?.Length ?? 0)) + 1500;   // the rules of the prompt itself, roughly

    /// <summary>Tokens the service says a turn used (OpenAI's usage, as the connector passes it on).</summary>
    private static long? ReportedTokens(IReadOnlyDictionary<string, object?>? metadata) =>
        metadata is not null && metadata.TryGetValue("Usage", out var value) && value is OpenAI.Chat.ChatTokenUsage usage
            ? (usage.TotalTokenCount > 0 ? usage.TotalTokenCount : usage.InputTokenCount + usage.OutputTokenCount)
            : null;

    private static bool IsCutShort(IReadOnlyDictionary<string, object?>? metadata) =>
        metadata is not null && metadata.TryGetValue("FinishReason", out var reason) && string.Equals(reason?.ToString(), "length", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// One answer's conversation with the model: the passages it received, its kernel (the shared one with the
    /// corpus functions added), and the filter every function call goes through, which bounds the calls
    /// (<see cref="LlmOptions.MaxFunctionCalls"/>) and the tokens (<see cref="LlmOptions.RequestTokenBudget"/>,
    /// and today's budget): a call past them is not run, and the model is told to answer; a model that asks again
    /// after being told is stopped.
    /// </summary>
    private sealed class AnswerSession : IAutoFunctionInvocationFilter
    {
        private readonly LlmAnswerer _owner;
        private readonly HashSet<int> _turnsCounted = [];
        private int? _firstRefusedTurn;

        public AnswerSession(LlmAnswerer owner, IReadOnlyList<AnswerPassage> passages, IPassageSource? corpus)
        {
            _owner = owner;
            Book = new PassageBook(passages);
            Kernel = owner._kernel!;
            Tools = corpus is not null && owner._options.MaxFunctionCalls > 0;
            if (Tools)
            {
                Kernel = Kernel.Clone();
                Kernel.Plugins.AddFromObject(new CorpusPlugin(corpus!, Book, owner._options.PassagesPerSearch, owner._options.MaxPassageChars), CorpusPlugin.Name);
                Kernel.AutoFunctionInvocationFilters.Add(this);
            }
        }

        public PassageBook Book { get; }
        public Kernel Kernel { get; }
        public bool Tools { get; }

        /// <summary>Function calls asked for, run or not.</summary>
        public int Calls { get; private set; }
        /// <summary>Turns of the model that asked for functions (each is followed by another turn).</summary>
        public int Turns { get; private set; }
        /// <summary>Tokens of the turns that asked for functions.</summary>
        public long Spent { get; private set; }
        public long FunctionResultChars { get; private set; }
        /// <summary>Why the model was stopped, when it was.</summary>
        public string? Stopped { get; private set; }

        public KernelArguments Arguments(string question) =>
            Prompts.AnswerArguments(question, Book.Passages, _owner._options.MaxPassageChars, _owner.Settings(_owner._options.MaxOutputTokens, Tools));

        public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
        {
            var options = _owner._options;
            if (_turnsCounted.Add(context.RequestSequenceIndex))
            {
                Turns++;
                Spent += ReportedTokens(context.ChatMessageContent.Metadata)
                    ?? context.ChatHistory.Sum(m => (long)(m.Content?.Length ?? 0)) + 200;   // an estimate: the turn's input, and its call
            }
            Calls++;
            string? refusal =
                Calls > options.MaxFunctionCalls ? $"Not run: the limit of {options.MaxFunctionCalls} function calls for one question is reached."
                : options.RequestTokenBudget is { } limit && Spent >= limit ? "Not run: this question's token budget is used up."
                : _owner._budget.Exhausted ? "Not run: today's token budget is used up."
                : null;
            if (refusal is null)
            {
                await next(context).ConfigureAwait(false);
                FunctionResultChars += context.Result.ToString()?.Length ?? 0;
                return;
            }
            if (_firstRefusedTurn is { } first && first < context.RequestSequenceIndex)
            {
                Stopped = $"The language model kept calling functions after being told to answer ({char.ToLowerInvariant(refusal[9]) + refusal[10..].TrimEnd('.')}).";
                context.Terminate = true;
                return;
            }
            _firstRefusedTurn ??= context.RequestSequenceIndex;
            context.Result = new FunctionResult(context.Function, refusal + " Answer now from the passages you have, or reply NO_ANSWER.");
        }
    }

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
        // The connector wraps the OpenAI client's ClientResultException in its HttpOperationException (or not, for a stream).
        int? status = Find<ClientResultException>(e) is { Status: > 0 } http ? http.Status : (int?)Find<HttpOperationException>(e)?.StatusCode;
        if (status is > 0)
        {
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
        if (Find<HttpRequestException>(e) is not null || Find<ClientResultException>(e) is not null)
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
