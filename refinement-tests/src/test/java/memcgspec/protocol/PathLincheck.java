package memcgspec.protocol;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import memcgspec.impl.Jitter;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.util.AnalysisSectionsKt;

/**
 * What the Lincheck tests of whole paths share (ChargeLincheckTest, SwapLincheckTest): scenarios
 * written by hand, explored by Lincheck's model checker, each validated by the test class's
 * {@code validate()} method.
 *
 * <p>Why hand-written scenarios: a {@link memcgspec.impl.Cpu} is driven by one thread at a time,
 * so a test's operations are bound to CPUs by their names ({@code swapInOnCpu0}, ...) and each
 * thread of a scenario runs the operations of one CPU; Lincheck's random scenarios would run one
 * CPU's operations on two threads. The model checker then explores the interleavings of each
 * scenario (switching threads at every shared access: atomics, array slots, locks, monitors), up
 * to the number of invocations given.
 */
public final class PathLincheck {
    private PathLincheck() {}


    /** The operation {@code name} of {@code test} with its arguments (a public method with int parameters, or none). */
    public static Actor actor(Class<?> test, String name, Object... args) {
        Class<?>[] types = new Class<?>[args.length];
        Arrays.fill(types, int.class);
        try {
            return new Actor(test.getMethod(name, types), List.of(args));
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(test.getSimpleName() + " has no operation " + name + " with " + args.length + " int parameters", e);
        }
    }

    /**
     * A scenario: {@code init} run first on one thread, then {@code threads} in parallel, then
     * {@code test}'s {@code validate()} method.
     */
    @SafeVarargs
    public static ExecutionScenario scenario(Class<?> test, List<Actor> init, List<Actor>... threads) {
        return new ExecutionScenario(init, List.of(threads), List.of(), actor(test, "validate"));
    }

    /**
     * Model-checks {@code scenarios} of {@code test}, up to {@code invocations} interleavings each
     * ({@code -Dmemcgspec.lincheck.invocations=N} overrides it, for a deeper run), with no switch
     * points inside {@link Jitter}; prints the time
     * taken (wall clock and this process's CPU time). Lincheck's exploration is deterministic: the
     * same code and budget explore the same interleavings.
     */
    public static void check(String what, Class<?> test, List<ExecutionScenario> scenarios, int invocations) {
        check(what, test, scenarios, invocations, ATOMIC);
    }

    /** {@link #check(String, Class, List, int)}, with {@code atomic} the classes run as one step each. */
    public static void check(String what, Class<?> test, List<ExecutionScenario> scenarios, int invocations, List<String> atomic) {
        invocations = Integer.getInteger("memcgspec.lincheck.invocations", invocations);
        ModelCheckingOptions o = new ModelCheckingOptions().iterations(0).invocationsPerIteration(invocations)
                // The stress tests' jitter points (off here) are no shared state: no switch points in them.
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(Jitter.class.getName()).allMethods().ignore())
                // Atomic here: a CPU's own state, and the memcg counters and statistics, whose
                // concurrency PageCounterLincheckTest covers; the interleavings left are those of
                // the folios, the page cache and the swap device, where the paths meet.
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(atomic.toArray(String[]::new)).allMethods().treatAsAtomic());
        for (ExecutionScenario s : scenarios) o.addCustomScenario(s);
        long t0 = System.nanoTime(), c0 = cpuNanos();
        validations = 0;
        firstFailure = -1;
        try {
            o.check(test);
        } catch (Throwable e) {
            System.out.printf("Lincheck, %s: FAILED; the first failing validation was interleaving %d (counting the scenarios in"
                    + " order): %.1f s%n", what, firstFailure, (System.nanoTime() - t0) / 1e9);
            throw e;
        }
        System.out.printf("Lincheck, %s: %d scenarios, up to %d interleavings each, %d run: %.1f s (%.1f s CPU)%n",
                what, scenarios.size(), invocations, validations, (System.nanoTime() - t0) / 1e9, (cpuNanos() - c0) / 1e9);
    }

    /** Classes whose methods the model checker runs as one step each (see {@link #check}). */
    public static final List<String> ATOMIC = List.of("memcgspec.impl.Cpu", "memcgspec.impl.PageCounter", "memcgspec.impl.MemCgroup",
            "memcgspec.impl.Memcontrol", "memcgspec.impl.MemcontrolV1", "memcgspec.impl.Accounting");

    /** Validations run in this check (one per interleaving), and the number of the first that failed, or -1. */
    private static int validations, firstFailure;

    /** Scenarios in a list, for {@link #check}. */
    public static List<ExecutionScenario> scenarios(ExecutionScenario... s) {
        return new ArrayList<>(List.of(s));
    }

    /**
     * Runs the checks of a validation function outside Lincheck's analysis: the threads have
     * joined, so there is nothing to interleave; analysed, the invariants made Lincheck instrument
     * every class they touch within the first invocation, which on a loaded machine overran its
     * 30-s invocation timeout ("the execution has hung"). Counts the validations, so that a failing
     * check can say in which interleaving it failed first.
     */
    public static void unanalysed(Runnable checks) {
        AnalysisSectionsKt.runInsideIgnoredSection(() -> {
            validations++;
            try {
                checks.run();
            } catch (RuntimeException | Error e) {
                if (firstFailure < 0) firstFailure = validations;
                throw e;
            }
            return null;
        });
    }

    /** Fails a validation function (Lincheck reports it with the interleaving that led there). */
    public static void require(boolean ok, String what) {
        if (!ok) throw new IllegalStateException(what);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
