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
 * The property engine's speed, in steps per second (random steps and drain steps, the
 * {@code steps} counter), with its full checks and with its incremental ones
 * ({@link PropertyEngine.Checking}): one invocation is one try of 400 random steps and its drain
 * on the protocol's first setup (charge: tight, 200 folios; swap: tight-v1; migrate:
 * compaction-v1; kmem: subtrees-v1, 400 kmem pages; stock: stock-subtrees-v1), seeds 1, 2, 3, ...
 * in both modes, so both run the same steps. The JIT needs 10-30 s to settle (kmem and stock longest): 15 x 2 s of warm-up, 4 x 2 s measured. The engine's per-run line on stdout is silenced.
 * README "Benchmarks"; docs/performance.md records the ratios.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 15, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
@State(Scope.Thread)
public class PropsBench {
    @Param({"charge", "swap", "migrate", "kmem", "stock"})
    public String protocol;

    /** The checking mode (named so that JMH, which orders parameters by name, runs a protocol's two modes one after the other). */
    @Param({"FULL", "INCREMENTAL"})
    public String with;

    private ProtocolWorkload workload;
    private PropertyEngine.Settings settings;
    private long seed;

    /** Steps run (random and drain), reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Steps {
        public long steps;

        @Setup(Level.Iteration)
        public void reset() {
            steps = 0;
        }
    }

    /**
     * Per iteration, the steps run and the benchmark thread's CPU time in microseconds: steps per
     * CPU second (stepsRun / cpuMicros x 10^6) is less sensitive than steps per wall-clock second to
     * other processes on a shared machine.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        public long stepsRun, cpuMicros;

        @Setup(Level.Iteration)
        public void reset() {
            stepsRun = 0;
            cpuMicros = 0;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Setup(Level.Trial)
    public void setUp() {
        Protocol p = Protocols.byName(protocol).orElseThrow();
        workload = new ProtocolWorkload(p, p.setups().get(0));
        settings = new PropertyEngine.Settings(1, 400, 0, true, PropertyEngine.Checking.valueOf(with));
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    }

    @Benchmark
    public long oneTry(Steps counter, Cpu cpu) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        PropertyEngine.Stats st = PropertyEngine.run(protocol, workload, settings.withSeed(++seed));
        cpu.cpuMicros += (THREADS.getCurrentThreadCpuTime() - t0) / 1000;
        counter.steps += st.steps() + st.drainSteps();
        cpu.stepsRun += st.steps() + st.drainSteps();
        return st.refused();
    }
}
