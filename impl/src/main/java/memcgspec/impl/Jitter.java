package memcgspec.impl;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A test hook at the kernel's lock boundaries in the machine: {@link #at(Point)} is called where a
 * folio lock is taken and released, where the page cache's xa_lock and the swap device's lock
 * (swap_info lock, SWAP_HAS_CACHE, the swap cache's xa_lock) are taken and released, and before
 * page_ref_freeze. The stress tests switch it on so that real threads on few cores are
 * descheduled, now and then, exactly where one step ends and the next begins: the windows between
 * a check in one critical section and the act in the next, which two cores otherwise rarely
 * interleave in (issue 8: a window re-opened on purpose passed the unjittered stress 6 times of 6).
 *
 * <p>Off, and free, in production: the points are armed only when the JVM starts with
 * {@code -Dmemcgspec.jitter=on} ({@link #ARMED}, a static final read once: unarmed, {@link #at}
 * is an empty static method the JIT removes). The build arms the test JVMs (the surefire
 * configuration; {@code -Dmemcgspec.jitter=off} on the Maven command line disarms them, to compare
 * runs without it); an armed point still does nothing until a stress run {@link #enable}s it.
 *
 * <p>When on, each point yields the processor ({@link Thread#yield()}) with probability
 * {@code yieldPermille}/1000 and parks for 1 to 5 microseconds ({@link LockSupport#parkNanos(long)})
 * with probability {@code parkPermille}/1000.
 */
public final class Jitter {
    private Jitter() {}

    /** Whether the points can be switched on at all in this JVM: {@code -Dmemcgspec.jitter=on}. */
    public static final boolean ARMED = "on".equals(System.getProperty("memcgspec.jitter"));

    /** The lock boundaries, each named after the window it widens. */
    public enum Point {
        /**
         * After lock_page (a successful folio_trylock, or __folio_set_locked of a new folio): the
         * holder is descheduled holding the page lock, so other paths meet a locked page (reclaim
         * against a swap-in's relock, truncation against an insertion's read).
         */
        AFTER_LOCK_PAGE,
        /**
         * Before unlock_page: the end of a page-locked section is delayed, widening the window
         * in which others find the page locked.
         */
        BEFORE_UNLOCK_PAGE,
        /**
         * Before the page cache's xa_lock: the window between a lookup without it (filemap's
         * lookup before allocating) and the insertion's re-check under it (-EEXIST).
         */
        BEFORE_XA_LOCK,
        /** After the page cache's xa_unlock: what one CPU stored becomes visible while it pauses. */
        AFTER_XA_UNLOCK,
        /**
         * Before the swap device's lock (swap_info lock, SWAP_HAS_CACHE, the swap cache's
         * xa_lock): the window between a swap-cache miss (SwapinAlloc) and swapcache_prepare, and
         * between reclaim's unmapping steps and the swap-out.
         */
        BEFORE_SWAP_LOCK,
        /** After the swap device's unlock: a state just published (a slot, a cached folio, a count) meets the others. */
        AFTER_SWAP_UNLOCK,
        /**
         * Before page_ref_freeze in __remove_mapping (SwapOut): the window in which a zap, a
         * fork or a speculative get takes a reference the freeze must see.
         */
        BEFORE_REF_FREEZE,
        /**
         * After get_mem_cgroup_from_objcg's read of objcg->memcg, before css_tryget: the window in
         * which offline repoints the objcg and the memcg's last css reference goes (eefbfa7fd678).
         */
        AFTER_OBJCG_MEMCG_READ,
        /**
         * After uncharge_folio's css_put of the folio's reference, before uncharge_batch writes the
         * counters: the window in which offline and css_free meet a memcg whose pages are gathered
         * (what the gather's own css reference closes).
         */
        AFTER_FOLIO_CSS_PUT
    }

    private static volatile boolean enabled;
    private static volatile int yieldPermille;
    private static volatile int parkPermille;

    /**
     * Switches the points on, with per-mille probabilities of a yield and of a short park at each;
     * does nothing when the JVM was not started with the points {@link #ARMED}.
     */
    public static void enable(int yieldPermille, int parkPermille) {
        if (yieldPermille < 0 || parkPermille < 0 || yieldPermille + parkPermille > 1000) {
            throw new IllegalArgumentException("per-mille probabilities: " + yieldPermille + ", " + parkPermille);
        }
        Jitter.yieldPermille = yieldPermille;
        Jitter.parkPermille = parkPermille;
        enabled = ARMED;
    }

    /** Switches the points off (the default). */
    public static void disable() {
        enabled = false;
    }

    /** Whether the points are on now. */
    public static boolean enabled() {
        return enabled;
    }

    /** A lock boundary: nothing unless the points are armed and on. */
    public static void at(Point p) {
        if (ARMED && enabled) perturb();
    }

    private static void perturb() {
        int x = ThreadLocalRandom.current().nextInt(1000);
        if (x < yieldPermille) {
            Thread.yield();
        } else if (x < yieldPermille + parkPermille) {
            LockSupport.parkNanos(1_000 + ThreadLocalRandom.current().nextInt(4_000));
        }
    }
}
