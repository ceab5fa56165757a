package memcgspec.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Callable;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.Jitter;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import memcgspec.props.Call;

/**
 * What the protocols' stress tests share: real threads, one per CPU, running whole paths, with the
 * implementation's {@link Jitter} on at its lock boundaries.
 */
public final class Stress {
    private Stress() {}

    /**
     * Per-mille probabilities, at each lock boundary, of a {@link Thread#yield()} and of a park of
     * a few microseconds ({@code -Dmemcgspec.jitter.yield=N}, {@code -Dmemcgspec.jitter.park=N}).
     */
    public static final int YIELD_PERMILLE = Integer.getInteger("memcgspec.jitter.yield", 50),
            PARK_PERMILLE = Integer.getInteger("memcgspec.jitter.park", 5);

    /**
     * Runs {@code body} with the jitter on, and off again after it; without jitter when the JVM
     * runs with {@code -Dmemcgspec.jitter=off} ({@link Jitter#ARMED}).
     */
    public static <T> T jittered(Callable<T> body) throws Exception {
        Jitter.enable(YIELD_PERMILLE, PARK_PERMILLE);
        try {
            return body.call();
        } finally {
            Jitter.disable();
        }
    }

    /** One operation of a stress thread: a whole path (or a machine step) on its CPU. */
    @FunctionalInterface
    public interface Op {
        void run(Cpu cpu, Random r) throws Exception;
    }

    /**
     * Runs {@code ops} operations on each of CPUs 0 .. threads-1 of {@code mm}, one thread per CPU,
     * all released at once, {@link #jittered}; thread t draws from
     * {@code new Random(seed * 1_000_003 + t)}. After every operation the CPU must be idle (a whole
     * path ends idle). Fails with the first error of the threads, the others suppressed.
     */
    public static void run(Mm mm, int threads, long seed, int ops, Op op) throws Exception {
        jittered(() -> {
            runThreads(mm, threads, seed, ops, op);
            return null;
        });
    }

    private static void runThreads(Mm mm, int threads, long seed, int ops, Op op) throws InterruptedException {
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
            th.setDaemon(true);
            started.add(th);
            th.start();
        }
        join(started, "seed " + seed);
        rethrow(errors, "seed " + seed);
    }

    /**
     * How much CPU time one CPU thread of a stress run may use, in seconds: a healthy run takes a
     * few. A thread that loops forever burns CPU time; a thread that waits for a core on a loaded
     * machine does not, so the limit is on CPU time, not on the clock.
     */
    public static final int CPU_SECONDS = 60;

    /**
     * How long the CPU threads of a stress run may take on the clock, in seconds: the bound for the
     * threads that block forever (a deadlock uses no CPU time), generous enough for a machine whose
     * cores are shared with many other jobs.
     */
    public static final int WALL_SECONDS = 600;

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Joins the CPU threads, failing (with their stacks) if some are still running when one of them
     * has used {@link #CPU_SECONDS} of CPU time (a path that loops forever: a livelock, as a broken
     * protocol can cause), or after {@link #WALL_SECONDS} on the clock (a deadlock): the test fails
     * instead of hanging the build. Where the JVM cannot measure a thread's CPU time, the CPU limit
     * is applied to the clock. Make the threads daemons, so that the ones left spinning do not keep
     * the JVM alive.
     */
    public static void join(List<Thread> threads, String when) throws InterruptedException {
        join(threads, when, CPU_SECONDS, WALL_SECONDS);
    }

    /** {@link #join(List, String)} with the given limits (StressJoinTest uses short ones). */
    static void join(List<Thread> threads, String when, int cpuSeconds, int wallSeconds) throws InterruptedException {
        boolean cpuTime = THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
        long start = System.nanoTime();
        long wallLimit = (cpuTime ? wallSeconds : cpuSeconds) * 1_000_000_000L;
        String why = null;
        while (why == null) {
            boolean alive = false;
            for (Thread th : threads) {
                th.join(100);
                alive |= th.isAlive();
            }
            if (!alive) return;
            long elapsed = System.nanoTime() - start;
            if (elapsed > wallLimit) why = elapsed / 1_000_000_000L + " s on the clock (a path blocks or loops forever?)";
            else if (cpuTime) why = overCpuTime(threads, cpuSeconds);
        }
        StringBuilder stuck = new StringBuilder();
        for (Thread th : threads) {
            if (th.isAlive()) {
                stuck.append("\n").append(th.getName()).append(':');
                for (StackTraceElement f : th.getStackTrace()) stuck.append("\n\tat ").append(f);
            }
        }
        throw new AssertionError(when + ": CPU threads still running: " + why + stuck);
    }

    /** Why a live thread has used more than {@code cpuSeconds} of CPU time, or null if none has. */
    private static String overCpuTime(List<Thread> threads, int cpuSeconds) {
        for (Thread th : threads) {
            long used = th.isAlive() ? THREADS.getThreadCpuTime(th.getId()) : -1;
            if (used > cpuSeconds * 1_000_000_000L) return th.getName() + " used " + used / 1_000_000_000L + " s of CPU time (a path loops forever?)";
        }
        return null;
    }

    /** Fails with the first error of the CPU threads (the others suppressed), if any. */
    public static void rethrow(List<Throwable> errors, String when) {
        if (errors.isEmpty()) return;
        AssertionError e = new AssertionError(when + ": a CPU thread failed: " + errors.get(0), errors.get(0));
        for (Throwable x : errors.subList(1, errors.size())) e.addSuppressed(x);
        throw e;
    }

    /** Every CPU idle and every invariant of {@code p} holding on {@code mm}. */
    public static void assertIdleAndInvariants(Protocol p, Mm mm, String when) {
        for (Cpu c : mm.cpus()) if (c.pc() != Pc.IDLE) throw new AssertionError(when + ": not idle: " + c);
        List<String> v = p.check(Machine.of(mm));
        if (!v.isEmpty()) throw new AssertionError(when + ": " + v);
    }

    /**
     * Drains {@code mm} with {@code p}'s sequential drain (the workload of {@code setup}; every step
     * must be enabled), checking {@code p}'s invariants after each step, then checks for leaks at
     * quiescence.
     */
    public static void drainAndCheck(Protocol p, Protocol.Setup setup, Mm mm, String when) {
        ProtocolWorkload model = new ProtocolWorkload(p, setup);
        Machine m = Machine.of(mm);
        int n = 0;
        for (Call<Machine> st = model.nextDrainStep(m); st != null; st = model.nextDrainStep(m)) {
            try {
                st.apply(m);
            } catch (StepRefused e) {
                throw new AssertionError(when + ": drain step " + st.label() + " refused: " + e.getMessage());
            }
            List<String> v = p.check(Machine.of(mm));
            if (!v.isEmpty()) throw new AssertionError(when + ", in the drain after " + st.label() + ": " + v);
            if (++n >= 1_000_000) throw new AssertionError("the drain does not end");
        }
        List<String> v = model.atQuiescence(m);
        if (!v.isEmpty()) throw new AssertionError(when + ", at quiescence: " + v);
    }

    /** Mostly a swap slot that ptes hold (racily chosen), else any. */
    public static int usedSlot(Mm mm, Random r) {
        int n = mm.swap().size(), start = r.nextInt(n);
        for (int k = 0; k < n; k++) {
            int s = (start + k) % n;
            if (mm.swap().count(s) > 0) return s;
        }
        return start;
    }

    /** Mostly a charged kmem page (racily chosen: it may be freed by the time it is used). */
    public static KmemPage chargedKmemPage(Mm mm, Random r) {
        KmemPage k = null;
        for (int i = 0; i < 8; i++) {
            k = mm.kpage(r.nextInt(mm.kpages().size()));
            if (k.objcg() != null) return k;
        }
        return k;
    }

    /**
     * rmdir of a random removable memcg (3 and up, below the first level): refused while a child
     * is online, a CPU allocates for one of its tasks, or it is offline already.
     *
     * @return whether it went offline
     */
    public static boolean offlineRandom(Mm mm, Random r) {
        try {
            mm.Offline(mm.memcg(3 + r.nextInt(mm.memcgs().size() - 3)));
            return true;
        } catch (StepRefused notNow) {
            return false;
        }
    }

    /** css_free of offline memcg m, if nothing holds it (css references, an RCU reader): whether it was freed. */
    public static boolean tryFree(Mm mm, MemCgroup m) {
        try {
            mm.Free(m);
            return true;
        } catch (StepRefused referenced) {
            return false;
        }
    }

    /** css_free of every offline memcg nothing holds any more ({@link #tryFree}): how many were freed. */
    public static int freeOffline(Mm mm) {
        int n = 0;
        for (MemCgroup m : mm.memcgs()) if (m.state() == MemCgroup.State.OFFLINE && tryFree(mm, m)) n++;
        return n;
    }

    /** Mostly a mapped folio (racily chosen: it may be gone by the time it is used). */
    public static Folio mappedFolio(Mm mm, Random r) {
        Folio f = null;
        for (int k = 0; k < 8; k++) {
            f = mm.folio(r.nextInt(mm.folios().size()));
            if (f.mapcount() > 0) return f;
        }
        return f;
    }

    /** A task of a random memcg; a removed memcg's tasks have moved up to the nearest online ancestor. */
    public static MemCgroup taskMemcg(Mm mm, Random r) {
        MemCgroup m = mm.memcg(1 + r.nextInt(mm.memcgs().size() - 1));
        while (!m.online()) m = m.parent();
        return m;
    }
}
