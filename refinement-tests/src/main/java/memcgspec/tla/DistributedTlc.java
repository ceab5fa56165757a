package memcgspec.tla;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import memcgspec.tla.TlcResult.Kind;
import memcgspec.tla.TlcResult.Outcome;
import tlc2.tool.TLCState;

/**
 * Runs one model on distributed TLC, as the pinned jar ships it (TLC 2.18): a {@code tlc2.tool.distributed.TLCServer}
 * in a forked JVM, and {@code tlc2.tool.distributed.TLCWorker} JVMs (forked here on 127.0.0.1, or started elsewhere
 * with {@code memcg-spec worker HOST}) that compute successor states for it over Java RMI. docs/distributed.md
 * records what TLC 2.18's distributed mode does; the points this class is built on:
 *
 * <ul>
 *   <li>The server takes {@code -tool -metadir -config -deadlock} and the module; its RMI registry listens on the
 *       port of the system property {@code tlc2.tool.distributed.TLCServer.port} (default 10997), which a worker
 *       must be given too. Each side is reached at its {@code java.rmi.server.hostname}. A worker takes the server's
 *       host name only, and {@code tlc2.tool.distributed.TLCWorker.threadCount} threads (default: every core).</li>
 *   <li>It checks INVARIANTs, and the PROPERTYs' initial predicates and actions ({@code [][A]_v}, a refinement's
 *       step). It does NOT check liveness: a violated {@code <>P} goes unreported, "No error has been found". A
 *       model whose cfg has a liveness property is therefore refused ({@link UserError}): no verdict is claimed for
 *       a check that was not made.</li>
 *   <li>It ignores the cfg's {@code CHECK_DEADLOCK FALSE} (only {@code -deadlock} turns deadlock off): the flag is
 *       passed when the cfg says so.</li>
 *   <li>On a violation found by a worker it prints neither the violated check's name nor a correct trace: message
 *       2121 and the last two states (the first of them labelled "Initial predicate"), or one state for a deadlock,
 *       and it exits 0. The verdict is recovered here as TLC decides it: in-process, on TLC's evaluator
 *       ({@link SpecSession}), the first INVARIANT the last state violates, else the first PROPERTY whose action the
 *       last step violates, else a deadlock when the last state has no successor. An invariant violated by an
 *       initial state is named by the server itself ("Error: Invariant X is violated.").</li>
 *   <li>Its figures: distinct states agree with TLC's when the model holds (the whole graph); the depth it prints
 *       can be one less than TLC's (charge: 19 for 20; stock: 61 for 62), and where a violation stops depends on the
 *       order. Only a holding model's distinct states are compared with the catalogue.</li>
 *   <li>The server exits when the check ends and tells its workers to exit; workers that never connected retry for
 *       ever. Every JVM forked here is killed at the end of the run (and when this JVM exits:
 *       {@link ChildProcesses}).</li>
 * </ul>
 *
 * <p>Each run has its own folder under {@code <target>/tlc}, deleted afterwards: the server's and every worker's
 * working directory, metadir and java.io.tmpdir, so no {@code states/} folder is left anywhere. The server runs in
 * its own working directory with a copy of the cfg, because a worker fetches the spec's files from the server by
 * file name (the server resolves a name in its working directory, then in {@code TLA-Library}: the module's folder
 * and spec/).
 */
public final class DistributedTlc {
    /** TLC's default RMI registry port, the one {@code memcg-spec worker} assumes. */
    public static final int DEFAULT_PORT = 10997;
    /** The server's and the workers' system properties. */
    static final String PORT_PROPERTY = "tlc2.tool.distributed.TLCServer.port";
    static final String THREADS_PROPERTY = "tlc2.tool.distributed.TLCWorker.threadCount";

    /** TLC message codes of distributed TLC 2.18 (tlc2.output.EC). */
    static final int SERVER_READY = 7000, WORKER_REGISTERED = 7001, FINISHED = 2186;

    /**
     * @param localWorkers   TLCWorker JVMs forked here, on 127.0.0.1 (0: only workers started elsewhere)
     * @param workerThreads  threads of each local worker
     * @param port           the server's RMI registry port; 0 for a free one
     * @param host           the address the server is reached at (its java.rmi.server.hostname)
     * @param remoteWorkers  whether workers started elsewhere are expected (the server waits for them)
     * @param timeout        wall-clock limit of the run, null for none
     * @param connectTimeout how long a local worker may take to connect once the server is ready
     * @param tools          the TLA+ tools jar; only the pinned TLC 2.18 is supported (its distributed mode is the one
     *                       documented)
     */
    public record Options(int localWorkers, int workerThreads, int port, String host, boolean remoteWorkers,
                          Duration timeout, Duration connectTimeout, TlaTools tools) {
        public Options {
            if (localWorkers < 0) throw new IllegalArgumentException("localWorkers must be at least 0");
            if (workerThreads < 1) throw new IllegalArgumentException("workerThreads must be at least 1");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
            Objects.requireNonNull(host);
            Objects.requireNonNull(connectTimeout);
            Objects.requireNonNull(tools);
        }

        /** One local worker with one thread on a free port of 127.0.0.1; no timeout; the pinned TLC. */
        public static Options defaults() {
            return new Options(1, 1, 0, "127.0.0.1", false, null, Duration.ofSeconds(60), TlaTools.pinned());
        }

        public Options withLocalWorkers(int n) {
            return new Options(n, workerThreads, port, host, remoteWorkers, timeout, connectTimeout, tools);
        }

        public Options withWorkerThreads(int n) {
            return new Options(localWorkers, n, port, host, remoteWorkers, timeout, connectTimeout, tools);
        }

        public Options withPort(int p) {
            return new Options(localWorkers, workerThreads, p, host, remoteWorkers, timeout, connectTimeout, tools);
        }

        public Options withRemoteWorkers(String serverHost) {
            return new Options(localWorkers, workerThreads, port, serverHost, true, timeout, connectTimeout, tools);
        }

        public Options withTimeout(Duration t) {
            return new Options(localWorkers, workerThreads, port, host, remoteWorkers, t, connectTimeout, tools);
        }

        public Options withConnectTimeout(Duration t) {
            return new Options(localWorkers, workerThreads, port, host, remoteWorkers, timeout, t, tools);
        }

        public Options withTools(TlaTools t) {
            return new Options(localWorkers, workerThreads, port, host, remoteWorkers, timeout, connectTimeout, t);
        }
    }

    /**
     * A distributed run's result.
     *
     * @param result      the verdict and figures, judged as a single-JVM run's ({@link TlcResult#matches}); its trace is
     *                    empty (distributed TLC 2.18 prints no usable counterexample: {@code memcg-spec show} does)
     * @param port        the server's RMI registry port
     * @param host        the address the server was reached at
     * @param registered  the workers that registered with the server (TLC counts one per worker thread)
     */
    public record Run(TlcResult result, int port, String host, int registered) {}

    private final Path specDir;
    private final Path targetDir;

    public DistributedTlc(Path specDir, Path targetDir) {
        this.specDir = specDir.toAbsolutePath().normalize();
        this.targetDir = targetDir.toAbsolutePath().normalize();
    }

    /** A runner on the project's spec/ and target/ ({@link SpecRoot}). */
    public DistributedTlc() {
        this(SpecRoot.specDir(), SpecRoot.targetDir());
    }

    /**
     * Runs the model on a TLCServer and its workers.
     *
     * @param progress TLC's progress lines (as {@link TlcRunner#run(CatalogueEntry, TlcRunner.Options, Consumer)})
     * @param notice   lines the user must see: where the server waits for remote workers
     * @throws UserError for bad input: a missing file, a spec TLC cannot load, a liveness property, a port in use, a
     *                   local worker that cannot connect, another TLC than the pinned one
     */
    public Run run(CatalogueEntry model, Options options, Consumer<String> progress, Consumer<String> notice) {
        if (options.localWorkers() == 0 && !options.remoteWorkers())
            throw new IllegalArgumentException("no workers: give local workers or expect remote ones");
        if (!options.tools().isPinned())
            throw new UserError("distributed TLC runs the pinned TLC 2.18 only (its distributed mode is the one "
                    + "documented and tested); drop --tla2tools / " + TlaTools.ENV);
        Path module = model.moduleFile(specDir).toAbsolutePath().normalize();
        Path cfg = model.cfgFile(specDir).toAbsolutePath().normalize();
        if (!Files.isRegularFile(module)) throw new UserError("model '" + model.name() + "': spec file not found: " + module);
        if (!Files.isRegularFile(cfg)) throw new UserError("model '" + model.name() + "': cfg file not found: " + cfg);

        SpecSession session;
        try {
            session = SpecSession.open(module.getParent(), model.moduleName(), cfg);
        } catch (RuntimeException e) {
            throw new UserError("model '" + model.name() + "': TLC cannot load it: " + UserError.oneLine(String.valueOf(e.getMessage())), e);
        }
        try (session) {
            List<String> liveness = session.livenessProperties();
            if (!liveness.isEmpty())
                throw new UserError("model '" + model.name() + "': distributed TLC 2.18 does not check liveness properties, and "
                        + "its cfg has " + String.join(", ", liveness) + ": check it without --distributed");
            int port = options.port() == 0 ? freePort() : requireFree(options.port());
            Path runDir;
            try {
                runDir = Files.createTempDirectory(Files.createDirectories(targetDir.resolve("tlc")), model.name() + "-dist-");
            } catch (IOException e) {
                throw new UserError("cannot create a TLC folder under " + targetDir + ": " + e.getMessage(), e);
            }
            ChildProcesses.folder(runDir);
            try {
                return fork(model, module, cfg, session, runDir, port, options, progress, notice);
            } finally {
                ChildProcesses.deleteFolder(runDir);
            }
        }
    }

    private Run fork(CatalogueEntry model, Path module, Path cfg, SpecSession session, Path runDir, int port, Options options,
                     Consumer<String> progress, Consumer<String> notice) {
        Path serverDir = mkdirs(runDir.resolve("server"));
        try {
            Files.copy(cfg, serverDir.resolve(cfg.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = TlcRunner.jvm(TlcRunner.quickJit(model));
        cmd.addAll(List.of(
                "-Djava.io.tmpdir=" + mkdirs(runDir.resolve("server-tmp")),
                "-DTLA-Library=" + module.getParent() + java.io.File.pathSeparator + specDir,
                "-D" + PORT_PROPERTY + "=" + port,
                "-Djava.rmi.server.hostname=" + options.host(),
                "-cp", options.tools().jar().toString(),
                "tlc2.tool.distributed.TLCServer", "-tool",
                "-metadir", mkdirs(runDir.resolve("server-meta")).toString()));
        if (!session.checksDeadlock()) cmd.add("-deadlock");
        cmd.addAll(List.of("-config", cfg.toString(), module.toString().replaceFirst("\\.tla$", "")));

        long start = System.nanoTime();
        long deadline = options.timeout() == null ? Long.MAX_VALUE : start + options.timeout().toNanos();
        Process server = fork(new ProcessBuilder(cmd).directory(serverDir.toFile()).redirectErrorStream(true));
        List<LocalWorker> workers = new ArrayList<>();
        ServerOutput out = new ServerOutput();
        Thread reader = new Thread(() -> out.read(server, progress), "tlc-server-" + model.name());
        reader.setDaemon(true);
        reader.start();
        boolean timedOut = false;
        boolean workersGone = false;
        try {
            // Workers start once the server is ready: a worker that finds no server backs off for longer and longer.
            while (!out.ready.await(100, TimeUnit.MILLISECONDS) && server.isAlive()) {
                if (System.nanoTime() > deadline) {
                    timedOut = true;
                    break;
                }
            }
            if (out.ready.getCount() == 0 && !timedOut) {
                if (options.remoteWorkers()) {
                    notice.accept("TLC server for " + model.name() + " is ready at " + options.host() + ":" + port
                            + ": start workers with 'memcg-spec worker " + options.host() + " --port " + port + "'");
                }
                for (int i = 0; i < options.localWorkers(); i++) {
                    workers.add(LocalWorker.start(options.tools(), "127.0.0.1", port, options.workerThreads(), "127.0.0.1",
                            mkdirs(runDir.resolve("worker-" + i)), l -> {}, TlcRunner.quickJit(model)));
                }
                long workersStarted = System.nanoTime();
                while (server.isAlive() && out.finished.getCount() > 0) {
                    if (System.nanoTime() > deadline) {
                        timedOut = true;
                        break;
                    }
                    for (int i = 0; i < workers.size(); i++) {
                        LocalWorker w = workers.get(i);
                        if (w.ready.getCount() == 0) continue;
                        boolean late = System.nanoTime() - workersStarted > options.connectTimeout().toNanos();
                        if (!w.process.isAlive() || late) {
                            throw new UserError("local TLC worker " + (i + 1) + " could not connect to the TLC server at 127.0.0.1:"
                                    + port + (late ? " within " + options.connectTimeout().toSeconds() + " s" : "")
                                    + (w.lastLine() == null ? "" : ": " + UserError.oneLine(w.lastLine())));
                        }
                    }
                    if (!options.remoteWorkers() && !workers.isEmpty() && workers.stream().noneMatch(w -> w.process.isAlive())) {
                        // Every worker is gone and none will come: the server would wait for ever.
                        workersGone = !out.finished.await(2, TimeUnit.SECONDS);
                        break;
                    }
                    Thread.sleep(100);
                }
                // The server exits by itself once it printed "Finished"; workers exit when the server tells them to.
                server.waitFor(10, TimeUnit.SECONDS);
                for (LocalWorker w : workers) w.process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while distributed TLC was running", e);
        } finally {
            for (LocalWorker w : workers) ChildProcesses.kill(w.process);
            ChildProcesses.kill(server);
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int exit = server.exitValue();
        String raw = out.text();
        if (raw.contains("java.rmi.server.ExportException") || raw.contains("Port already in use")) {
            throw new UserError("the TLC server cannot listen on port " + port + ": it is in use");
        }
        TlcOutput parsed = new TlcOutput(raw);
        long[] stats = parsed.stats();
        Outcome outcome;
        if (timedOut) {
            outcome = new Outcome.Error("timed out after " + options.timeout().toSeconds() + " s", false);
        } else if (workersGone) {
            outcome = new Outcome.Error("the local TLC workers exited before the model was checked"
                    + workers.stream().map(LocalWorker::lastLine).filter(Objects::nonNull).findFirst().map(l -> ": " + UserError.oneLine(l)).orElse(""), false);
        } else {
            outcome = verdict(parsed, exit, session, cfg, module, model.moduleName());
        }
        TlcResult result = new TlcResult(outcome, stats[0], stats[1], (int) stats[2], seconds, exit, List.of(), raw);
        return new Run(result, port, options.host(), out.registered.get());
    }

    /**
     * The verdict of a finished server's output. A violation found by a worker is judged here, on the states the
     * server printed (see the class comment); every other output is read as a single-JVM TLC's.
     */
    static Outcome verdict(TlcOutput parsed, int exit, SpecSession session, Path cfg, Path module, String moduleName) {
        for (TlcOutput.Msg msg : parsed.messages) {
            if (msg.severity() != 1) continue;
            String body = TlcOutput.oneLine(msg.body());
            if (body.contains("not supported by distributed TLC")) return new Outcome.Error(body, true);
            Matcher m = Pattern.compile("Error: (Invariant|Implied-init) (\\S+) is violated").matcher(body);
            if (m.find()) {
                // Checked by the server itself on an initial state; an implied-init is a PROPERTY's initial predicate.
                return m.group(1).equals("Invariant") ? new Outcome.Violates(m.group(2), Kind.INVARIANT)
                        : new Outcome.Violates(TlcRunner.propertyName(null, cfg, module, moduleName), Kind.TEMPORAL_PROPERTY);
            }
        }
        if (parsed.first(TlcOutput.BEHAVIOR_UP_TO) != null) return judge(parsed.trace(), session);
        return parsed.outcome(exit, loc -> TlcRunner.propertyName(loc, cfg, module, moduleName));
    }

    /** Which check the last state, or the last step, of a counterexample printed by the server breaks. */
    static Outcome judge(List<TlcResult.TraceState> trace, SpecSession session) {
        if (trace.isEmpty()) return new Outcome.Error("distributed TLC reported a violation but printed no state", false);
        TLCState last = session.stateOf(trace.get(trace.size() - 1).vars());
        Optional<String> inv = session.violatedInvariant(last);
        if (inv.isPresent()) return new Outcome.Violates(inv.get(), Kind.INVARIANT);
        if (trace.size() >= 2) {
            TLCState prev = session.stateOf(trace.get(trace.size() - 2).vars());
            Optional<String> prop = session.violatedActionProperty(prev, last);
            if (prop.isPresent()) return new Outcome.Violates(prop.get(), Kind.ACTION_PROPERTY);
        }
        if (session.checksDeadlock() && !session.hasSuccessor(last)) return new Outcome.Deadlock();
        return new Outcome.Error("distributed TLC reported a counterexample whose last state and step break no invariant "
                + "or property and do not deadlock (an evaluation error on a worker?); check the model without --distributed", false);
    }

    /** The server's output, and what it has said so far. */
    private static final class ServerOutput {
        private final StringBuilder text = new StringBuilder();
        final CountDownLatch ready = new CountDownLatch(1);
        final CountDownLatch finished = new CountDownLatch(1);
        final AtomicInteger registered = new AtomicInteger();

        synchronized String text() {
            return text.toString();
        }

        void read(Process p, Consumer<String> progress) {
            Pattern start = Pattern.compile("@!@!@STARTMSG (\\d+):\\d+ @!@!@");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                int code = -1;
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (this) {
                        text.append(line).append('\n');
                    }
                    Matcher m = start.matcher(line);
                    if (m.matches()) {
                        code = Integer.parseInt(m.group(1));
                        if (code == SERVER_READY) ready.countDown();
                        else if (code == WORKER_REGISTERED) registered.incrementAndGet();
                        else if (code == FINISHED) finished.countDown();
                    } else if (line.startsWith("@!@!@ENDMSG")) {
                        code = -1;
                    } else if (code == TlcOutput.PROGRESS && !line.isBlank()) {
                        progress.accept(line.strip());
                    }
                }
            } catch (IOException e) {
                // The stream closes when the process is killed; what was read is kept.
            }
        }
    }

    /**
     * A TLCWorker in a forked JVM (in its own folder: working directory and java.io.tmpdir), reading its output:
     * {@link #ready} once it has connected and loaded the spec, {@link #reachable} once it has found the server's
     * registry.
     */
    public static final class LocalWorker {
        public final Process process;
        public final CountDownLatch ready = new CountDownLatch(1);
        public final CountDownLatch reachable = new CountDownLatch(1);
        public final CountDownLatch completed = new CountDownLatch(1);
        private volatile String lastLine;
        private final Consumer<String> lines;

        private LocalWorker(Process process, Consumer<String> lines) {
            this.process = process;
            this.lines = lines;
        }

        /**
         * Starts a worker for the server on {@code serverHost:port}.
         *
         * @param address the address the server calls this worker back on (its java.rmi.server.hostname), or null
         *                for Java's choice (this machine's name)
         * @param dir     the worker's folder, which it leaves empty
         */
        public static LocalWorker start(TlaTools tools, String serverHost, int port, int threads, String address, Path dir) {
            return start(tools, serverHost, port, threads, address, dir, l -> {});
        }

        /** {@link #start(TlaTools, String, int, int, String, Path)}, handing every output line to {@code lines}. */
        public static LocalWorker start(TlaTools tools, String serverHost, int port, int threads, String address, Path dir,
                                        Consumer<String> lines) {
            return start(tools, serverHost, port, threads, address, dir, lines, false);
        }

        /**
         * {@link #start(TlaTools, String, int, int, String, Path, Consumer)}; {@code quickJit}: with the client
         * compiler only, for a small model ({@link TlcRunner#quickJit}).
         */
        static LocalWorker start(TlaTools tools, String serverHost, int port, int threads, String address, Path dir,
                                 Consumer<String> lines, boolean quickJit) {
            List<String> cmd = TlcRunner.jvm(quickJit);
            cmd.addAll(List.of(
                    "-Djava.io.tmpdir=" + mkdirs(dir.resolve("tmp")),
                    "-D" + PORT_PROPERTY + "=" + port,
                    "-D" + THREADS_PROPERTY + "=" + threads));
            if (address != null) cmd.add("-Djava.rmi.server.hostname=" + address);
            cmd.addAll(List.of("-cp", tools.jar().toString(), "tlc2.tool.distributed.TLCWorker", serverHost));
            LocalWorker w = new LocalWorker(fork(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)), lines);
            Thread t = new Thread(w::read, "tlc-worker-" + w.process.pid());
            t.setDaemon(true);
            t.start();
            return w;
        }

        /** The worker's last line of output, or null. */
        public String lastLine() {
            return lastLine;
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.isBlank()) continue;
                    lastLine = line;
                    lines.accept(line);
                    if (line.contains("reachable but not ready")) reachable.countDown();
                    if (line.startsWith("TLC worker with ")) {
                        reachable.countDown();
                        ready.countDown();
                    }
                    if (line.contains("work completed at")) completed.countDown();
                }
            } catch (IOException e) {
                // closed when the process is killed
            }
        }
    }

    private static Process fork(ProcessBuilder pb) {
        try {
            return ChildProcesses.start(pb);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for distributed TLC: " + e.getMessage(), e);
        }
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port no process listens on now (the registry binds it moments later). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port: " + e.getMessage(), e);
        }
    }

    /** The port, after checking that nothing listens on it. @throws UserError when something does */
    static int requireFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return port;
        } catch (IOException e) {
            throw new UserError("port " + port + " is in use (" + UserError.oneLine(String.valueOf(e.getMessage()))
                    + "): choose another with --port");
        }
    }

    /** Whether the address names this machine's loopback interface. */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
