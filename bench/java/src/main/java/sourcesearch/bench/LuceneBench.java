package sourcesearch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Version;

/**
 * Reference benchmark with Java Lucene, run beside SourceSearch's own `bench index` / `bench queries`
 * on the same corpus and queries, only to report ratios (Java Lucene / SourceSearch).
 *
 * <pre>
 * index   --input FILE --index DIR [--analyzer smartcn|cjk] [--threads N] [--max-docs N] [--ram-mb N]
 * queries --index DIR --queries FILE [--analyzer smartcn|cjk] [--operator or|and] [--top N] [--max-queries N] [--no-warmup]
 * </pre>
 *
 * Each prints one JSON object on standard output; progress goes to standard error.
 */
public final class LuceneBench {

    /** Keeps the loaded ids observable so the JIT cannot drop that work. */
    static volatile long sink;

    private LuceneBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage();
            System.exit(args.length == 0 ? 2 : 0);
        }
        Map<String, String> opts = parseOptions(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "index" -> index(opts);
            case "queries" -> queries(opts);
            default -> {
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("usage: LuceneBench index --input FILE(.jsonl[.xz]) --index DIR [--analyzer smartcn|cjk] [--threads N] [--max-docs N] [--ram-mb N]");
        System.err.println("       LuceneBench queries --index DIR --queries FILE.jsonl [--analyzer smartcn|cjk] [--operator or|and] [--top N] [--max-queries N] [--warmup|--no-warmup]");
    }

    // ---------------------------------------------------------------- index

    private static void index(Map<String, String> opts) throws Exception {
        Path input = Paths.get(required(opts, "input"));
        Path dir = Paths.get(required(opts, "index"));
        String analyzerName = opts.getOrDefault("analyzer", "smartcn");
        int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
        int maxDocs = Integer.parseInt(opts.getOrDefault("max-docs", "0"));
        double ramMb = Double.parseDouble(opts.getOrDefault("ram-mb", "128"));
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                if (entries.iterator().hasNext()) {
                    die("index folder " + dir + " is not empty; pass a new or empty folder");
                }
            }
        }

        // Read every article into memory before the clock starts (as SourceSearch's `bench index` does),
        // so decompression and JSON parsing are not part of the indexing time.
        long readStart = System.nanoTime();
        List<String[]> articles = readArticles(input, maxDocs);
        double readSeconds = seconds(readStart);
        long utf8Bytes = 0;
        for (String[] a : articles) {
            utf8Bytes += a[1].getBytes(StandardCharsets.UTF_8).length + a[2].getBytes(StandardCharsets.UTF_8).length;
        }
        System.err.printf(Locale.ROOT, "read %d articles (%.1f MB UTF-8 title+text) in %.1f s%n", articles.size(), utf8Bytes / 1e6, readSeconds);

        // Load the analyser's dictionaries before the clock (SmartCn reads them on first use).
        long loadStart = System.nanoTime();
        Analyzer analyzer = analyzer(analyzerName);
        countTokens(analyzer, "text", "床前明月光，疑是地上霜。");
        double analyzerLoadSeconds = seconds(loadStart);

        IndexWriterConfig config = new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setRAMBufferSizeMB(ramMb);
        Files.createDirectories(dir);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        double addSeconds;
        double commitSeconds;
        double mergeSeconds;
        int segmentsBeforeMerge;
        long start = System.nanoTime();
        try (Directory directory = FSDirectory.open(dir); IndexWriter writer = new IndexWriter(directory, config)) {
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Thread(() -> {
                    try {
                        Document doc = new Document();
                        StringField id = new StringField("id", "", Field.Store.YES);
                        TextField title = new TextField("title", "", Field.Store.NO);
                        TextField text = new TextField("text", "", Field.Store.NO);
                        doc.add(id);
                        doc.add(title);
                        doc.add(text);
                        for (int i = next.getAndIncrement(); i < articles.size() && failure.get() == null; i = next.getAndIncrement()) {
                            String[] a = articles.get(i);
                            id.setStringValue(a[0]);
                            title.setStringValue(a[1]);
                            text.setStringValue(a[2]);
                            writer.addDocument(doc);
                            if (i > 0 && i % 50_000 == 0) {
                                System.err.printf(Locale.ROOT, "  %d documents, %.0f s%n", i, seconds(start));
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "indexer-" + t);
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            if (failure.get() != null) {
                throw new RuntimeException("indexing failed", failure.get());
            }
            addSeconds = seconds(start);
            long commitStart = System.nanoTime();
            writer.commit();
            commitSeconds = seconds(commitStart);
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                segmentsBeforeMerge = reader.leaves().size();
            }
            long mergeStart = System.nanoTime();
            writer.forceMerge(1);
            writer.commit();
            mergeSeconds = seconds(mergeStart);
        }
        double totalSeconds = seconds(start);
        double withoutMerge = addSeconds + commitSeconds;
        int n = articles.size();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", "java-lucene");
        out.put("lucene_version", Version.LATEST.toString());
        out.put("java_version", System.getProperty("java.version"));
        out.put("analyzer", analyzerName);
        out.put("threads", threads);
        out.put("ram_buffer_mb", ramMb);
        out.put("docs", n);
        out.put("megabytes", round(utf8Bytes / 1e6, 2));
        out.put("seconds", round(totalSeconds, 2));
        out.put("docs_per_s", round(n / totalSeconds, 0));
        out.put("megabytes_per_s", round(utf8Bytes / 1e6 / totalSeconds, 2));
        out.put("seconds_without_merge", round(withoutMerge, 2));
        out.put("docs_per_s_without_merge", round(n / withoutMerge, 0));
        out.put("add_seconds", round(addSeconds, 2));
        out.put("commit_seconds", round(commitSeconds, 2));
        out.put("force_merge_seconds", round(mergeSeconds, 2));
        out.put("segments_before_merge", segmentsBeforeMerge);
        out.put("index_bytes", directoryBytes(dir));
        out.put("peak_rss_mb", peakRssMb());
        out.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        out.put("analyzer_load_seconds", round(analyzerLoadSeconds, 3));
        out.put("read_seconds", round(readSeconds, 2));
        out.put("processors", Runtime.getRuntime().availableProcessors());
        System.out.println(toJson(out));
    }

    // ---------------------------------------------------------------- queries

    private static void queries(Map<String, String> opts) throws Exception {
        Path dir = Paths.get(required(opts, "index"));
        Path queryFile = Paths.get(required(opts, "queries"));
        String analyzerName = opts.getOrDefault("analyzer", "smartcn");
        int top = Integer.parseInt(opts.getOrDefault("top", "10"));
        int maxQueries = Integer.parseInt(opts.getOrDefault("max-queries", "0"));
        boolean warmup = !opts.containsKey("no-warmup");
        String operator = opts.getOrDefault("operator", "or");
        if (!operator.equals("or") && !operator.equals("and")) {
            die("--operator must be or or and");
        }

        List<String[]> list = new ArrayList<>(); // {q, kind}
        for (String line : Files.readAllLines(queryFile, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> obj = parseFlatJson(line);
            String q = obj.containsKey("q") ? obj.get("q") : obj.getOrDefault("query", "");
            list.add(new String[] {q, obj.getOrDefault("kind", "")});
            if (maxQueries > 0 && list.size() >= maxQueries) {
                break;
            }
        }

        Analyzer analyzer = analyzer(analyzerName);
        countTokens(analyzer, "text", "床前明月光，疑是地上霜。");
        try (Directory directory = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(directory)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            // Classic query syntax on title and text. Default operator OR: a bare word becomes a
            // disjunction of its analysed terms (each in title or text), "..." a phrase query, a space
            // OR. With --operator and, every analysed term of the bare words must match (in either field).
            MultiFieldQueryParser parser = new MultiFieldQueryParser(new String[] {"title", "text"}, analyzer);
            parser.setDefaultOperator(operator.equals("and") ? QueryParser.Operator.AND : QueryParser.Operator.OR);

            int[] escaped = new int[1];
            if (warmup) {
                for (String[] q : list) {
                    runOne(searcher, parser, q[0], top, escaped);
                }
            }
            escaped[0] = 0;
            double[] ms = new double[list.size()];
            long start = System.nanoTime();
            for (int i = 0; i < list.size(); i++) {
                long t0 = System.nanoTime();
                sink += runOne(searcher, parser, list.get(i)[0], top, escaped);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double totalSeconds = seconds(start);

            // Exact hit counts, outside the timed pass (search(q, top) counts only up to 1,000 exactly).
            long totalHits = 0;
            int zeroHit = 0;
            for (String[] q : list) {
                int c = searcher.count(parse(parser, q[0], null));
                totalHits += c;
                if (c == 0) {
                    zeroHit++;
                }
            }

            Map<String, List<Double>> byKind = new LinkedHashMap<>();
            for (int i = 0; i < list.size(); i++) {
                byKind.computeIfAbsent(list.get(i)[1], k -> new ArrayList<>()).add(ms[i]);
            }
            Map<String, Object> kinds = new LinkedHashMap<>();
            for (Map.Entry<String, List<Double>> e : byKind.entrySet()) {
                kinds.put(e.getKey(), stats(e.getValue().stream().mapToDouble(Double::doubleValue).toArray()));
            }

            Map<String, Object> out = new LinkedHashMap<>();
            out.put("engine", "java-lucene");
            out.put("lucene_version", Version.LATEST.toString());
            out.put("analyzer", analyzerName);
            out.put("query_parser", "MultiFieldQueryParser(title,text), default " + operator.toUpperCase(Locale.ROOT));
            out.put("docs", reader.numDocs());
            out.put("segments", reader.leaves().size());
            out.put("queries", list.size());
            out.put("top", top);
            out.put("warmup", warmup);
            out.put("qps", round(list.size() / totalSeconds, 1));
            out.putAll(stats(ms));
            out.put("total_hits", totalHits);
            out.put("zero_hit_queries", zeroHit);
            out.put("escaped_queries", escaped[0]);
            out.put("by_kind", kinds);
            out.put("peak_rss_mb", peakRssMb());
            System.out.println(toJson(out));
        }
    }

    /** Parse, search top N, and load each hit's stored id (the part of a result page Lucene can give). */
    private static int runOne(IndexSearcher searcher, QueryParser parser, String q, int top, int[] escaped) throws IOException {
        Query query = parse(parser, q, escaped);
        TopDocs docs = searcher.search(query, top);
        int n = 0;
        for (ScoreDoc sd : docs.scoreDocs) {
            n += searcher.doc(sd.doc).get("id").length();
        }
        return n;
    }

    private static Query parse(QueryParser parser, String q, int[] escaped) {
        try {
            return parser.parse(q);
        } catch (ParseException e) {
            if (escaped != null) {
                escaped[0]++;
            }
            try {
                return parser.parse(QueryParser.escape(q));
            } catch (ParseException again) {
                throw new IllegalArgumentException("cannot parse query " + q, again);
            }
        }
    }

    /** Nearest-rank percentiles (value at rank ceil(p*n)), as SourceSearch's benchmarks define them. */
    private static Map<String, Object> stats(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", sorted.length);
        s.put("mean_ms", round(sorted.length == 0 ? 0 : sum / sorted.length, 3));
        s.put("p50_ms", percentile(sorted, 0.50));
        s.put("p90_ms", percentile(sorted, 0.90));
        s.put("p95_ms", percentile(sorted, 0.95));
        s.put("p99_ms", percentile(sorted, 0.99));
        s.put("max_ms", sorted.length == 0 ? 0 : round(sorted[sorted.length - 1], 3));
        return s;
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length) - 1;
        return round(sorted[Math.max(0, Math.min(sorted.length - 1, rank))], 3);
    }

    // ---------------------------------------------------------------- helpers

    private static Analyzer analyzer(String name) {
        return switch (name) {
            case "smartcn" -> new SmartChineseAnalyzer();
            case "cjk" -> new CJKAnalyzer();
            default -> throw new IllegalArgumentException("unknown analyzer " + name + " (smartcn or cjk)");
        };
    }

    private static int countTokens(Analyzer analyzer, String field, String text) throws IOException {
        int n = 0;
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            ts.reset();
            while (ts.incrementToken()) {
                n++;
            }
            ts.end();
        }
        return n;
    }

    /** Articles as {id, title, text}; a .xz file is read through `xz -dc`. */
    private static List<String[]> readArticles(Path input, int maxDocs) throws IOException, InterruptedException {
        List<String[]> out = new ArrayList<>(maxDocs > 0 ? maxDocs : 350_000);
        Process xz = null;
        InputStream in;
        if (input.getFileName().toString().endsWith(".xz")) {
            xz = new ProcessBuilder("xz", "-dc", input.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = xz.getInputStream();
        } else {
            in = Files.newInputStream(input);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 20)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, String> obj = parseFlatJson(line);
                String id = obj.getOrDefault("id", Integer.toString(out.size()));
                out.add(new String[] {id, obj.getOrDefault("title", ""), obj.getOrDefault("text", "")});
                if (maxDocs > 0 && out.size() >= maxDocs) {
                    break;
                }
            }
        } finally {
            if (xz != null) {
                xz.destroy(); // stops it early when --max-docs cut the stream short
                xz.waitFor();
            }
        }
        return out;
    }

    /**
     * The string members of one flat JSON object (other values are skipped). Enough for the corpus and
     * query files: one object a line, string values with the standard escapes.
     */
    static Map<String, String> parseFlatJson(String s) {
        Map<String, String> out = new HashMap<>();
        int[] pos = {skipWs(s, 0)};
        expect(s, pos, '{');
        pos[0] = skipWs(s, pos[0]);
        if (s.charAt(pos[0]) == '}') {
            return out;
        }
        while (true) {
            pos[0] = skipWs(s, pos[0]);
            String key = readString(s, pos);
            pos[0] = skipWs(s, pos[0]);
            expect(s, pos, ':');
            pos[0] = skipWs(s, pos[0]);
            if (s.charAt(pos[0]) == '"') {
                out.put(key, readString(s, pos));
            } else {
                skipValue(s, pos);
            }
            pos[0] = skipWs(s, pos[0]);
            char c = s.charAt(pos[0]++);
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                throw new IllegalArgumentException("bad JSON at " + (pos[0] - 1) + ": " + abbreviate(s));
            }
        }
    }

    private static void skipValue(String s, int[] pos) {
        int depth = 0;
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]);
            if (c == '"') {
                readString(s, pos);
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return;
            }
            pos[0]++;
        }
    }

    private static String readString(String s, int[] pos) {
        expect(s, pos, '"');
        StringBuilder b = null;
        int start = pos[0];
        while (true) {
            char c = s.charAt(pos[0]);
            if (c == '"') {
                String plain = s.substring(start, pos[0]++);
                return b == null ? plain : b.append(plain).toString();
            }
            if (c == '\\') {
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(s, start, pos[0]);
                char e = s.charAt(pos[0] + 1);
                pos[0] += 2;
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(pos[0], pos[0] + 4), 16));
                        pos[0] += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape \\" + e + ": " + abbreviate(s));
                }
                start = pos[0];
                continue;
            }
            pos[0]++;
        }
    }

    private static void expect(String s, int[] pos, char c) {
        if (pos[0] >= s.length() || s.charAt(pos[0]) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + pos[0] + ": " + abbreviate(s));
        }
        pos[0]++;
    }

    private static int skipWs(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    private static long directoryBytes(Path dir) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p)) {
                    total += Files.size(p);
                }
            }
        }
        return total;
    }

    /** VmHWM of this process in MB (peak resident set), or -1 where /proc is missing. */
    private static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return round(Long.parseLong(kb) / 1024.0, 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                die("unexpected argument " + a);
            }
            String name = a.substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) {
                opts.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (name.equals("warmup") || name.equals("no-warmup")) {
                opts.put(name, "true");
            } else if (i + 1 < args.length) {
                opts.put(name, args[++i]);
            } else {
                die("option --" + name + " needs a value");
            }
        }
        return opts;
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            die("missing --" + name);
        }
        return v;
    }

    private static void die(String message) {
        System.err.println("LuceneBench: " + message);
        System.exit(2);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    @SuppressWarnings("unchecked")
    private static String toJson(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                b.append(toJson(e.getKey())).append(": ").append(toJson(e.getValue()));
            }
            return b.append('}').toString();
        }
        if (v instanceof String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
        }
        return String.valueOf(v);
    }
}
