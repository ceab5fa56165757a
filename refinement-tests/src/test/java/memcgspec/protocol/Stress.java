package memcgspec.protocol;

import java.util.List;

/** What the protocols' stress tests share. */
public final class Stress {
    private Stress() {}

    /** Fails with the first error of the CPU threads (the others suppressed), if any. */
    public static void rethrow(List<Throwable> errors, String when) {
        if (errors.isEmpty()) return;
        AssertionError e = new AssertionError(when + ": a CPU thread failed: " + errors.get(0), errors.get(0));
        for (Throwable x : errors.subList(1, errors.size())) e.addSuppressed(x);
        throw e;
    }
}
