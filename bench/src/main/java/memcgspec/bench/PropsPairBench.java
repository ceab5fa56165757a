package memcgspec.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import memcgspec.props.PropertyEngine;
import memcgspec.protocol.Protocol;
import memcgspec.protocol.ProtocolWorkload;
import memcgspec.registry.Protocols;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The property engine's two checking modes in ONE JVM, alternating: one invocation runs one try
 * (400 random steps and the drain, the protocol's first setup, as {@link PropsBench}) with the
 * full checks and the same try (same seed) with the incremental ones, in turn first, and counts
 * each mode's steps and benchmark-thread CPU time apart. Both modes thus run on the same compiled
 * code and under the same background load, which {@link PropsBench} cannot give: there each mode
 * has its own fork, and forks of one jar were seen to settle up to 1.5x apart (docs/performance.md,
 * round 4). The ratio (incremental steps per CPU second over full) is read per iteration and per
 * fork; the auxiliary counters carry its parts. An invocation whose two tries ran different step
 * counts fails: the modes must run the same steps.
 * README "Benchmarks"; docs/performance.md records the ratios.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 15, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(1)
@State(Scope.Thread)
public class PropsPairBench {
    @Param({"charge", "swap", "migrate", "kmem", "stock"})
    public String protocol;

    private ProtocolWorkload workload;
    private PropertyEngine.Settings full, incremental;
    private long seed;

    /**
     * Per iteration: each mode's steps (random and drain) and its benchmark-thread CPU time in
     * microseconds. Steps per CPU second of a mode is its steps / its micros x 10^6; the two modes'
     * steps are equal by construction.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Pair {
        public long fullSteps, fullMicros, incrementalSteps, incrementalMicros;

        @Setup(Level.Iteration)
        public void reset() {
            fullSteps = fullMicros = incrementalSteps = incrementalMicros = 0;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Setup(Level.Trial)
    public void setUp() {
        Protocol p = Protocols.byName(protocol).orElseThrow();
        workload = new ProtocolWorkload(p, p.setups().get(0));
        full = new PropertyEngine.Settings(1, 400, 0, true, PropertyEngine.Checking.FULL);
        incremental = new PropertyEngine.Settings(1, 400, 0, true, PropertyEngine.Checking.INCREMENTAL);
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    }

    /** Both modes on one seed; the full mode first on odd seeds, the incremental one first on even seeds. */
    @Benchmark
    public long bothModes(Pair pair) {
        long s = ++seed;
        long a, b;
        if ((s & 1) == 1) {
            a = run(full, s, pair, true);
            b = run(incremental, s, pair, false);
        } else {
            b = run(incremental, s, pair, false);
            a = run(full, s, pair, true);
        }
        if (a != b) throw new IllegalStateException("seed " + s + ": full mode ran " + a + " steps, incremental " + b);
        return a;
    }

    private long run(PropertyEngine.Settings settings, long s, Pair pair, boolean isFull) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        PropertyEngine.Stats st = PropertyEngine.run(protocol, workload, settings.withSeed(s));
        long micros = (THREADS.getCurrentThreadCpuTime() - t0) / 1000;
        long steps = st.steps() + st.drainSteps();
        if (isFull) {
            pair.fullSteps += steps;
            pair.fullMicros += micros;
        } else {
            pair.incrementalSteps += steps;
            pair.incrementalMicros += micros;
        }
        return steps;
    }
}
