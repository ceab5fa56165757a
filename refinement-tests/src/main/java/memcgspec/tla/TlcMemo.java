package memcgspec.tla;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One TLC run per model and inputs, shared by the test JVMs of one build. CatalogueTlcTest, HistoryTest and
 * DocsTest each need TLC's output for the museum's models (the verdict and figures; the counterexample and
 * its rendering); without this the same model was forked up to four times per build. A run's output is kept
 * under a folder of the build's target/ (a clean clone starts with none), keyed by a SHA-256 of everything
 * the output depends on: every {@code .tla} file under the spec folder (the root module, the modules it
 * extends or instantiates, whatever their folder), the cfg's text, the root module's name, the tools jar and
 * TLC's worker count. A change to any spec file is a new key, so a kept run is never stale; a run that ended in
 * an error (a timeout, a TLC error) is not kept.
 *
 * <p>Concurrency: a file lock per key makes the second JVM (surefire runs two) wait for the first one's run
 * instead of forking the same model again; the output is written to a temporary file and moved into place.
 * The CLI never uses this: {@code memcg-spec check} always runs TLC.
 */
public final class TlcMemo {

    /** What a kept run holds: TLC's whole output, its exit code and the seconds the original run took. */
    public record Run(String output, int exitCode, double seconds) {}

    private static final String FORMAT = "memcg-spec tlc memo 1";
    private static final Map<String, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger forks = new AtomicInteger();

    public TlcMemo(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** Runs this build's test suites share: {@code <root>/target/tlc-memo}. */
    public static TlcMemo forBuild() {
        return new TlcMemo(SpecRoot.targetDir().resolve("tlc-memo"));
    }

    /** Runs answered from the memo (by this instance). */
    public int hits() {
        return hits.get();
    }

    /** Runs forked and kept (by this instance). */
    public int forks() {
        return forks.get();
    }

    /**
     * The kept run for these inputs, or {@code run}'s, kept when {@code keep} says so.
     *
     * @param key  {@link #key}
     * @param run  forks TLC
     * @param keep whether a fresh run may be kept (false for errors and timeouts)
     */
    Run get(String key, Supplier<Run> run, Predicate<Run> keep) {
        Path file = dir.resolve(key + ".out");
        synchronized (JVM_LOCKS.computeIfAbsent(key, k -> new Object())) {
            try {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(dir.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    Optional<Run> kept = read(file);
                    if (kept.isPresent()) {
                        hits.incrementAndGet();
                        return kept.get();
                    }
                    Run fresh = run.get();
                    if (keep.test(fresh)) {
                        write(file, fresh);
                        forks.incrementAndGet();
                    }
                    return fresh;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("TLC memo under " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private static Optional<Run> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return Optional.empty();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String[] head = text.substring(0, nl).split(" ");
        return Optional.of(new Run(text.substring(nl + 1), Integer.parseInt(head[0]), Double.parseDouble(head[1])));
    }

    private static void write(Path file, Run r) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "run-", ".tmp");
        Files.writeString(tmp, r.exitCode() + " " + r.seconds() + "\n" + r.output(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The key of a run: a SHA-256 over the memo format, the inputs named in the class comment, in a fixed order. */
    static String key(Path specDir, String moduleName, Path cfg, Path toolsJar, int workers) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try {
            part(d, FORMAT);
            part(d, moduleName);
            part(d, Files.readString(cfg, StandardCharsets.UTF_8));
            part(d, toolsJar.toAbsolutePath().normalize() + " " + Files.size(toolsJar));
            part(d, Integer.toString(workers));
            List<Path> modules;
            try (Stream<Path> s = Files.walk(specDir)) {
                modules = s.filter(p -> p.toString().endsWith(".tla") && Files.isRegularFile(p)).sorted().toList();
            }
            for (Path m : modules) {
                part(d, specDir.relativize(m).toString().replace('\\', '/'));
                d.update(Files.readAllBytes(m));
                d.update((byte) 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("TLC memo key: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static void part(MessageDigest d, String s) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
    }
}
