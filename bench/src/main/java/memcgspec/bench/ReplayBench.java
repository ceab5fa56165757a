package memcgspec.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import memcgspec.conform.Conformance;
import memcgspec.conform.ConformanceReport;
import memcgspec.protocol.ProtocolBinding;
import memcgspec.registry.ConformRunner;
import memcgspec.registry.Protocols;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.StateGraph;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Conformance replay against the explorer's enumeration, both warm in one JVM, on a CI model of
 * the catalogue (run from the project: the spec folder is found as the CLI finds it):
 * <ul>
 *   <li>{@code enumerate}: the in-process explorer's breadth-first enumeration of the model's state
 *       graph ({@link StateGraph#explore}, invariants evaluated, as {@link ConformRunner} runs it),
 *       on a freshly opened session (the spec parsed outside the timed part);</li>
 *   <li>{@code replay}: {@link Conformance#run} of that graph on the Java code through the
 *       registry's binding (every edge replayed, every disabled action refused), the graph
 *       explored once per fork.</li>
 * </ul>
 * An operation takes seconds (one per iteration): 2 warm-up iterations, 3 measured. Average time per operation; replay / enumerate is the ratio issue 11 asks about ("replay at
 * least as fast as the explorer's enumeration, warm"). Each operation's wall-clock and thread CPU
 * milliseconds, and the JVM's CPU milliseconds, are also printed on a line of their own ("op
 * enumerate charge: 4210 ms, cpu 3987 ms, process cpu 4410 ms") and counted per iteration
 * ({@code ops}, {@code cpuMs}, {@code processCpuMs}: CPU milliseconds per operation is cpuMs / ops,
 * less sensitive than wall-clock time to other processes on a shared machine).
 * README "Benchmarks"; docs/performance.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReplayBench {
    @Param({"charge", "swap"})
    public String model;

    /**
     * Per iteration, the operations run, the benchmark thread's CPU milliseconds, and the whole
     * JVM's (the garbage collector's and the JIT compilers' threads too, which the thread's time
     * leaves out); an operation takes longer than an iteration's nominal second, so an iteration
     * is one operation.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        public long ops, cpuMs, processCpuMs;

        @Setup(Level.Iteration)
        public void reset() {
            ops = 0;
            cpuMs = 0;
            processCpuMs = 0;
        }

        private long t0, c0, p0;

        void start() {
            t0 = System.nanoTime();
            c0 = THREADS.getCurrentThreadCpuTime();
            p0 = PROCESS.getProcessCpuTime();
        }

        void stop(String what, String model) {
            long cpu = (THREADS.getCurrentThreadCpuTime() - c0) / 1_000_000, wall = (System.nanoTime() - t0) / 1_000_000;
            long process = (PROCESS.getProcessCpuTime() - p0) / 1_000_000;
            ops++;
            cpuMs += cpu;
            processCpuMs += process;
            System.out.println("op " + what + " " + model + ": " + wall + " ms, cpu " + cpu + " ms, process cpu " + process + " ms");
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private CatalogueEntry entry;
    private StateGraph graph;
    private ProtocolBinding binding;

    private StateGraph open() {
        return StateGraph.open(entry.moduleFile(SpecRoot.specDir()).getParent(), entry.moduleName(), entry.cfgFile(SpecRoot.specDir()));
    }

    @Setup(Level.Trial)
    public void findModel() {
        entry = Catalogue.load(SpecRoot.specDir()).byName(model);
        binding = new ProtocolBinding(Protocols.forModule(entry.moduleName()).orElseThrow());
    }

    /** The enumeration's session, opened (and the spec parsed) before each call. */
    @State(Scope.Thread)
    public static class Fresh {
        StateGraph g;

        @Setup(Level.Invocation)
        public void open(ReplayBench b) {
            g = b.open();
        }

        @TearDown(Level.Invocation)
        public void close() {
            g.close();
        }
    }

    @Benchmark
    public int enumerate(Fresh f, Cpu cpu) {
        cpu.start();
        int n = f.g.explore(ConformRunner.MAX_STATES).size();
        cpu.stop("enumerate", model);
        return n;
    }

    /** The replay's graph: explored once. */
    @State(Scope.Thread)
    public static class Explored {
        StateGraph g;

        @Setup(Level.Trial)
        public void explore(ReplayBench b) {
            g = b.open().explore(ConformRunner.MAX_STATES);
        }

        @TearDown(Level.Trial)
        public void close() {
            g.close();
        }
    }

    @Benchmark
    public long replay(Explored e, Cpu cpu) {
        cpu.start();
        ConformanceReport r = Conformance.run(e.g, binding);
        cpu.stop("replay", model);
        if (!r.ok()) throw new AssertionError("replay of " + model + " has mismatches: " + r);
        return r.coveredEdges();
    }
}
