package memcgspec.mutation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import memcgspec.protocol.Protocol;
import memcgspec.registry.Protocols;
import memcgspec.tla.ExhaustiveCheck;

/**
 * Runs mutants on their models, several at a time. TLC's evaluator holds one spec per JVM, so the
 * parallelism is one worker in this JVM plus {@code workers - 1} child JVMs ({@link #main}, on this JVM's
 * class path), all taking (mutant, model) tasks from one queue: the queue balances the uneven costs.
 * A child that cannot start or dies hands its task back to the queue; the in-process worker always runs.
 */
public final class MutantPool {

    /** One mutant on one model. */
    public record Task(Protocol.Mutant mutant, String cfg) {
        String key() {
            return mutant.name() + "\t" + cfg;
        }
    }

    /**
     * The outcome of a task: the checks violated (cfg order), the first violation's path of each, the graph's
     * size, the states cut by the bound, the seconds taken, and where it ran; or the error.
     */
    public record Result(String mutant, String cfg, List<String> violated, Map<String, String> paths, int states, int cut,
                         double seconds, String worker, String error) {
        static Result of(Task t, ExhaustiveCheck.Report r, double seconds, String worker) {
            Map<String, String> paths = new LinkedHashMap<>();
            r.violations().forEach((k, v) -> paths.put(k, v.pathString()));
            return new Result(t.mutant().name(), t.cfg(), List.copyOf(r.violated()), paths, r.states(), r.cut(), seconds, worker, null);
        }

        static Result failed(Task t, String error, String worker) {
            return new Result(t.mutant().name(), t.cfg(), List.of(), Map.of(), 0, 0, 0, worker, error);
        }
    }

    private MutantPool() {}

    /**
     * Starts every task; the futures complete as workers finish them. Mutated spec folders go to
     * {@code workDir/<module>-<mutant>}; child JVMs get {@code workDir/tmp-<n>} as java.io.tmpdir (TLC extracts its
     * standard modules there).
     */
    public static Map<Task, CompletableFuture<Result>> start(List<Task> tasks, Path specDir, Path workDir, int workers) {
        Map<Task, CompletableFuture<Result>> futures = new LinkedHashMap<>();
        ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
        for (Task t : tasks) {
            futures.put(t, new CompletableFuture<>());
            queue.add(t);
        }
        Thread local = new Thread(() -> {
            Task t;
            while ((t = queue.poll()) != null) futures.get(t).complete(runHere(t, specDir, workDir, "in-process"));
        }, "mutants-in-process");
        local.setDaemon(true);
        local.start();
        for (int w = 1; w < workers; w++) {
            int n = w;
            Thread child = new Thread(() -> drive(n, queue, futures, specDir, workDir), "mutants-child-" + n);
            child.setDaemon(true);
            child.start();
        }
        return futures;
    }

    static Result runHere(Task t, Path specDir, Path workDir, String worker) {
        try {
            Path dir = workDir.resolve(t.mutant().module() + "-" + t.mutant().name());
            synchronized (MutantPool.class) {
                if (!Files.isDirectory(dir)) MutantRunner.write(t.mutant(), specDir, dir);
            }
            long t0 = System.nanoTime();
            ExhaustiveCheck.Report r = MutantRunner.run(t.mutant(), t.cfg(), specDir, dir);
            return Result.of(t, r, (System.nanoTime() - t0) / 1e9, worker);
        } catch (RuntimeException | Error e) {
            return Result.failed(t, e.toString(), worker);
        }
    }

    /** Feeds tasks to one child JVM, one at a time, until the queue is empty. */
    private static void drive(int n, ConcurrentLinkedQueue<Task> queue, Map<Task, CompletableFuture<Result>> futures,
                              Path specDir, Path workDir) {
        Process p;
        try {
            Path tmp = Files.createDirectories(workDir.resolve("tmp-" + n));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xss8m", "-XX:+UseParallelGC", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                    MutantPool.class.getName(), specDir.toString(), workDir.resolve("child-" + n).toString()));
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return;  // no child: the in-process worker takes every task
        }
        String worker = "child " + n;
        try (PrintStream in = new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8);
             BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Task t;
            while ((t = queue.poll()) != null) {
                in.println(t.key());
                String line = out.readLine();
                if (line == null) {  // the child died: give the task back
                    queue.add(t);
                    return;
                }
                futures.get(t).complete(parse(t, line, worker));
            }
            in.println("");
        } catch (IOException e) {
            // the in-process worker finishes the queue
        } finally {
            p.destroy();
        }
    }

    // ---------------------------------------------------------------- the child's side

    /** One result as one line: fields separated by tabs; the paths as check=path, separated by '|'. */
    static String format(Result r) {
        if (r.error() != null) return "ERROR\t" + r.error().replace('\n', ' ').replace('\t', ' ');
        StringBuilder b = new StringBuilder("OK\t").append(r.states()).append('\t').append(r.cut()).append('\t').append(r.seconds()).append('\t');
        List<String> paths = new ArrayList<>();
        r.paths().forEach((k, v) -> paths.add(k + "=" + v));
        return b.append(String.join("|", paths)).toString();
    }

    static Result parse(Task t, String line, String worker) {
        String[] f = line.split("\t", -1);
        if (f[0].equals("ERROR")) return Result.failed(t, f.length > 1 ? f[1] : line, worker);
        if (!f[0].equals("OK") || f.length < 5) return Result.failed(t, "unreadable worker output: " + line, worker);
        Map<String, String> paths = new LinkedHashMap<>();
        if (!f[4].isEmpty())
            for (String kv : f[4].split("\\|")) {
                int i = kv.indexOf('=');
                paths.put(kv.substring(0, i), kv.substring(i + 1));
            }
        return new Result(t.mutant().name(), t.cfg(), List.copyOf(paths.keySet()), paths, Integer.parseInt(f[1]),
                Integer.parseInt(f[2]), Double.parseDouble(f[3]), worker, null);
    }

    /**
     * A child worker: args {@code specDir workDir}; reads "mutant TAB cfg" lines from stdin (an empty line or EOF
     * ends it) and answers each with one {@link #format formatted} result line on stdout.
     */
    public static void main(String[] args) throws IOException {
        Path specDir = Path.of(args[0]);
        Path workDir = Path.of(args[1]);
        Map<String, Protocol.Mutant> byName = new LinkedHashMap<>();
        for (Protocol p : Protocols.ALL) for (Protocol.Mutant mu : p.mutants()) byName.put(mu.name(), mu);
        PrintStream stdout = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));  // TLC's chatter must not mix with results
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            String[] f = line.split("\t");
            Protocol.Mutant mu = byName.get(f[0]);
            if (mu == null || f.length < 2) {
                stdout.println("ERROR\tno mutant or model in: " + line);
                continue;
            }
            stdout.println(format(runHere(new Task(mu, f[1]), specDir, workDir, "child")));
        }
        System.exit(0);  // TLC may leave non-daemon threads
    }
}
