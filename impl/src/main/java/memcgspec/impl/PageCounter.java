package memcgspec.impl;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A hierarchical page counter, after mm/page_counter.c: lock-free, one atomic per level.
 *
 * <p>{@link #tryCharge} is the kernel's algorithm: walk from this counter to the root adding
 * {@code n} to each level speculatively; when a level overshoots its max, take {@code n} back from
 * it and from every level below it that was already charged, and report the level that failed.
 * A failed try-charge therefore leaves every counter as it was, but a concurrent charger may see
 * the speculative sums in between and fail spuriously: the counter is not linearizable (see
 * PageCounterLincheckTest), exactly like the kernel's, whose callers reclaim and retry.
 *
 * <p>Thread-safe.
 */
public final class PageCounter {
    /** The kernel's PAGE_COUNTER_MAX: no limit. */
    public static final long UNLIMITED = Long.MAX_VALUE / 2;

    private final String name;
    private final PageCounter parent;
    private final AtomicLong usage = new AtomicLong();
    private volatile long max;
    private final AtomicLong failcnt = new AtomicLong();
    private final AtomicLong underflows = new AtomicLong();
    /** The machine's write log and the id of the memcg this counter is part of, when an engine installed one ({@link Mm#track}). */
    private Touches touches;
    private int memcg;

    public PageCounter(String name, PageCounter parent, long max) {
        this.name = name;
        this.parent = parent;
        this.max = max;
    }

    void track(Touches t, int memcgId) {
        touches = t;
        memcg = memcgId;
    }

    /** Logs a write of this counter as one of its memcg (every write calls it first, on each level it writes). */
    private void log() {
        Touches t = touches;
        if (t != null) t.logMemcg(memcg);
    }

    public String name() {
        return name;
    }

    public PageCounter parent() {
        return parent;
    }

    public long usage() {
        return usage.get();
    }

    public long max() {
        return max;
    }

    /** page_counter_set_max (without the kernel's check against current usage). */
    public void setMax(long max) {
        log();
        this.max = max;
    }

    /** How many try-charges failed at this level (memory.events "max"). */
    public long failcnt() {
        return failcnt.get();
    }

    /** How many uncharges would have taken this counter below zero (the kernel's WARN). */
    public long underflows() {
        return underflows.get();
    }

    /**
     * page_counter_try_charge: charge {@code n} pages to this counter and every ancestor.
     *
     * @return null on success; on failure the counter that would have exceeded its max (the memcg
     *     "over limit"), with every counter back to its value before the call
     */
    public PageCounter tryCharge(long n) {
        for (PageCounter c = this; c != null; c = c.parent) {
            c.log();
            long now = c.usage.addAndGet(n);
            if (now > c.max) {
                // This level has no room: back out here and on every level already charged.
                c.usage.addAndGet(-n);
                c.failcnt.incrementAndGet();
                for (PageCounter u = this; u != c; u = u.parent) {
                    u.usage.addAndGet(-n);
                }
                return c;
            }
        }
        return null;
    }

    /**
     * page_counter_try_charge's verdict without charging: the first counter on the path to the
     * root that has no room for {@code n} more pages now (the memcg "over limit"), or null if every
     * level has room. A read of each level, not atomic across them.
     */
    public PageCounter firstWithoutRoom(long n) {
        for (PageCounter c = this; c != null; c = c.parent) if (c.usage() + n > c.max) return c;
        return null;
    }

    /** page_counter_charge: the forced charge, ignoring max. */
    public void charge(long n) {
        for (PageCounter c = this; c != null; c = c.parent) {
            c.log();
            c.usage.addAndGet(n);
        }
    }

    /**
     * page_counter_uncharge: subtract {@code n} pages along the path to the root. Like the kernel,
     * a level that would go below zero is clamped to zero and the event is counted in
     * {@link #underflows()}: an invariant violation that the property tests check.
     */
    public void uncharge(long n) {
        for (PageCounter c = this; c != null; c = c.parent) {
            c.log();
            long now = c.usage.addAndGet(-n);
            if (now < 0) {
                c.underflows.incrementAndGet();
                c.usage.set(0);
            }
        }
    }

    /** Copies the values (not the parent link) from another counter: for snapshots. */
    void copyValuesFrom(PageCounter o) {
        log();
        usage.set(o.usage.get());
        max = o.max;
        failcnt.set(o.failcnt.get());
        underflows.set(o.underflows.get());
    }

    @Override
    public String toString() {
        return name + "[usage=" + usage.get() + ", max=" + (max >= UNLIMITED ? "max" : String.valueOf(max)) + "]";
    }
}
