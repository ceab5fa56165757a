package memcgspec.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import memcgspec.impl.Cpu;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;

/** What the protocols' stress tests share: real threads, one per CPU, running whole paths. */
public final class Stress {
    private Stress() {}

    /** One operation of a stress thread: a whole path (or a machine step) on its CPU. */
    @FunctionalInterface
    public interface Op {
        void run(Cpu cpu, Random r) throws Exception;
    }

    /**
     * Runs {@code ops} operations on each of CPUs 0 .. threads-1 of {@code mm}, one thread per CPU,
     * all released at once; thread t draws from {@code new Random(seed * 1_000_003 + t)}. After
     * every operation the CPU must be idle (a whole path ends idle). Fails with the first error of
     * the threads, the others suppressed.
     */
    public static void run(Mm mm, int threads, long seed, int ops, Op op) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Cpu cpu = mm.cpu(t);
            Random r = new Random(seed * 1_000_003 + t);
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int k = 0; k < ops; k++) {
                        op.run(cpu, r);
                        if (cpu.pc() != Pc.IDLE) throw new AssertionError("a whole path left " + cpu + " not idle");
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "cpu" + t);
            started.add(th);
            th.start();
        }
        for (Thread th : started) th.join();
        rethrow(errors, "seed " + seed);
    }

    /** Fails with the first error of the CPU threads (the others suppressed), if any. */
    public static void rethrow(List<Throwable> errors, String when) {
        if (errors.isEmpty()) return;
        AssertionError e = new AssertionError(when + ": a CPU thread failed: " + errors.get(0), errors.get(0));
        for (Throwable x : errors.subList(1, errors.size())) e.addSuppressed(x);
        throw e;
    }
}
