package memcgspec.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One CPU's charge stock, struct memcg_stock_pcp (mm/memcontrol.c since f735eebe55f8, "memcg:
 * multi-memcg percpu charge cache", v6.16; spec/Stock.tla): up to NR_MEMCG_STOCK slots, each a
 * memcg ({@code stock->cached[i]}) with pages charged to it and to its ancestors that no page owns
 * yet ({@code stock->nr_pages[i]}, at most MEMCG_CHARGE_BATCH), and one css reference per
 * occupied slot (since 1a3e1f40962c, v5.9). A memcg is in at most one slot of a CPU.
 *
 * <p>Ownership, as the kernel's local lock gives it: the slots are changed only on their own
 * CPU, by the task running there ({@link #consume}, {@link #refill}) or by the drain work queued
 * for that CPU ({@link #drainWork}), never by two at once. Other CPUs only read them
 * ({@link #drainNeeded}, drain_all_stock's lock-free READ_ONCE under RCU) and set
 * {@link #trySetFlushing FLUSHING_CACHED_CHARGE}. The fields are atomics for those remote reads.
 */
public final class MemcgStock implements CpuPart {
    private final Mm mm;
    private final int batch;
    /** stock->cached[i]: the memcg of slot i, or null. */
    private final AtomicReferenceArray<MemCgroup> cached;
    /** stock->nr_pages[i]. */
    private final AtomicIntegerArray nrPages;
    /** FLUSHING_CACHED_CHARGE: a drain of this stock is queued (drain_all_stock set it). */
    private final AtomicBoolean flushing = new AtomicBoolean();
    /** stock->drain_idx: the next victim when every slot is taken (round-robin, c0cafe24d3f6). */
    private int drainIdx;

    private MemcgStock(Cpu cpu) {
        this.mm = cpu.mm();
        this.batch = mm.config().stockBatch();
        int n = mm.config().stockSlots();
        if (n < 1) throw new IllegalStateException("this machine has no per-CPU stock (Mm.Config.withStock)");
        this.cached = new AtomicReferenceArray<>(n);
        this.nrPages = new AtomicIntegerArray(n);
    }

    /** The stock of CPU {@code cpu}. */
    public static MemcgStock of(Cpu cpu) {
        return cpu.part(PART, MemcgStock.class, MemcgStock::new);
    }

    /** This part's key on every CPU ({@link Cpu#partKey}). */
    private static final int PART = Cpu.partKey(MemcgStock.class);

    @Override
    public CpuPart copyFor(Cpu target) {
        MemcgStock c = new MemcgStock(target);
        Mm t = target.mm();
        for (int i = 0; i < cached.length(); i++) {
            MemCgroup m = cached.get(i);
            c.cached.set(i, m == null ? null : t.memcg(m.id()));
            c.nrPages.set(i, nrPages.get(i));
        }
        c.flushing.set(flushing.get());
        c.drainIdx = drainIdx;
        return c;
    }

    /** NR_MEMCG_STOCK. */
    public int slots() {
        return cached.length();
    }

    /** Slot i's memcg (stock->cached[i]), or null. */
    public MemCgroup slotMemcg(int i) {
        return cached.get(i);
    }

    /** Slot i's pages (stock->nr_pages[i]). */
    public int slotPages(int i) {
        return nrPages.get(i);
    }

    /** The slot caching m, or -1. */
    private int slotOf(MemCgroup m) {
        for (int i = 0; i < cached.length(); i++) if (cached.get(i) == m) return i;
        return -1;
    }

    /** Whether a slot caches m. */
    public boolean caches(MemCgroup m) {
        return slotOf(m) >= 0;
    }

    /** The pages stocked for m on this CPU (0 if no slot caches it). */
    public int nrPages(MemCgroup m) {
        int i = slotOf(m);
        return i < 0 ? 0 : nrPages.get(i);
    }

    /** The memcgs cached, in slot order. */
    public List<MemCgroup> cachedMemcgs() {
        List<MemCgroup> l = new ArrayList<>();
        for (int i = 0; i < cached.length(); i++) if (cached.get(i) != null) l.add(cached.get(i));
        return l;
    }

    /** Whether every slot is taken. */
    public boolean full() {
        for (int i = 0; i < cached.length(); i++) if (cached.get(i) == null) return false;
        return true;
    }

    /** The slot a refill for a memcg with no slot would evict now: null if one is empty (round-robin otherwise). */
    public MemCgroup nextVictim() {
        return full() ? cached.get(drainIdx) : null;
    }

    /** FLUSHING_CACHED_CHARGE. */
    public boolean flushing() {
        return flushing.get();
    }

    /** test_and_set_bit(FLUSHING_CACHED_CHARGE): true if this call set it. */
    public boolean trySetFlushing() {
        return flushing.compareAndSet(false, true);
    }

    /**
     * consume_stock(memcg, 1): a page from m's slot, if it has one. Touches no counter.
     *
     * @return false (nothing changed) on a miss
     */
    public boolean consume(MemCgroup m) {
        int i = slotOf(m);
        if (i < 0) return false;
        int n = nrPages.get(i);
        if (n == 0) return false;
        nrPages.set(i, n - 1);
        return true;
    }

    /**
     * refill_stock(memcg, n): n pages charged to m go into m's slot; a slot that then holds more
     * than the batch is drained whole. m has no slot: the first empty one, else the victim's
     * (drained first: drain_stock), and the slot takes a css reference on m (css_get: the caller
     * holds one). The caller names the victim (the spec's choice), or null for the kernel's
     * round-robin drain_idx.
     *
     * @throws IllegalArgumentException if {@code victim} is given and is not cached, or is given
     *     where no eviction happens
     */
    public void refill(MemCgroup m, int n, MemCgroup victim) {
        int i = slotOf(m);
        if (i >= 0) {
            if (victim != null) throw new IllegalArgumentException("refill of cached " + m + " evicts nothing, not " + victim);
            int now = nrPages.get(i) + n;
            nrPages.set(i, now);
            if (now > batch) drainSlot(i);
            return;
        }
        int empty = -1;
        for (int j = 0; j < cached.length() && empty < 0; j++) if (cached.get(j) == null) empty = j;
        if (empty >= 0 && victim != null) throw new IllegalArgumentException("refill of " + m + " takes an empty slot, evicts no " + victim);
        if (empty < 0) {
            if (victim == null) {
                empty = drainIdx;
                drainIdx = (drainIdx + 1) % cached.length();
            } else {
                empty = slotOf(victim);
                if (empty < 0) throw new IllegalArgumentException("victim " + victim + " is not cached");
            }
            drainSlot(empty);
        }
        m.cssGet();
        cached.set(empty, m);
        nrPages.set(empty, n);
    }

    /** The slot a refill of m evicts now: none (null) if m has a slot or one is empty, else the round-robin one. */
    public MemCgroup victimFor(MemCgroup m) {
        return caches(m) ? null : nextVictim();
    }

    /** Whether a refill of m would have to evict {@code victim} (null: evicts nothing). */
    public boolean evicts(MemCgroup m, MemCgroup victim) {
        boolean evict = !caches(m) && full();
        return evict ? victim != null && caches(victim) : victim == null;
    }

    /** drain_stock(stock, i): slot i's pages uncharged from its memcg (memory, and memsw on v1), its css reference put, the slot emptied. */
    private void drainSlot(int i) {
        MemCgroup old = cached.get(i);
        if (old == null) return;
        int n = nrPages.get(i);
        if (n > 0) {
            mm.accounting().cancelCharge(old, n);
            nrPages.set(i, 0);
        }
        cached.set(i, null);
        old.cssPut();
    }

    /** drain_stock_fully: every slot. */
    public void drainAll() {
        for (int i = 0; i < cached.length(); i++) drainSlot(i);
    }

    /** drain_local_memcg_stock: the queued work, on this CPU: every slot drained, then the bit cleared. */
    public void drainWork() {
        drainAll();
        flushing.set(false);
    }

    /**
     * is_memcg_drain_needed: a slot with pages of a memcg below (or equal to) {@code root}. A slot
     * with no page does not count, even if it caches root itself. A lock-free read, from any CPU.
     */
    public boolean drainNeeded(MemCgroup root) {
        for (int i = 0; i < cached.length(); i++) {
            MemCgroup m = cached.get(i);
            if (m != null && nrPages.get(i) > 0 && root.isAncestorOf(m)) return true;
        }
        return false;
    }

    /**
     * drain_all_stock(root): every CPU whose bit is clear and whose stock has pages below root
     * gets the bit set; {@code local}'s stock (the calling CPU's, or null for a caller that is
     * none of the machine's CPUs) is drained at once, the others' are left to their queued work
     * ({@link #drainWork}, run by their own CPU). Nobody waits.
     */
    public static void drainAllStock(Mm mm, MemCgroup root, Cpu local) {
        for (Cpu c : mm.cpus()) {
            MemcgStock s = of(c);
            if (!s.flushing() && s.drainNeeded(root) && s.trySetFlushing()) {
                if (c == local) s.drainWork();
            }
        }
    }

    /** The slots caching m on every CPU of the machine (each holds a css reference); 0 without a stock. */
    public static long slotRefs(Mm mm, MemCgroup m) {
        if (!mm.config().stock()) return 0;
        long n = 0;
        for (Cpu c : mm.cpus()) if (of(c).caches(m)) n++;
        return n;
    }

    /** The slots caching a memcg of m's subtree (m included) on every CPU of the machine; 0 without a stock. */
    public static long slotsBelow(Mm mm, MemCgroup m) {
        if (!mm.config().stock()) return 0;
        long n = 0;
        for (Cpu c : mm.cpus()) for (MemCgroup g : of(c).cachedMemcgs()) if (m.isAncestorOf(g)) n++;
        return n;
    }

    /** The pages stocked for m's subtree (m included) on every CPU of the machine; 0 without a stock. */
    public static long stockedBelow(Mm mm, MemCgroup m) {
        if (!mm.config().stock()) return 0;
        long n = 0;
        for (Cpu c : mm.cpus()) {
            MemcgStock s = of(c);
            for (int i = 0; i < s.slots(); i++) {
                MemCgroup g = s.slotMemcg(i);
                if (g != null && m.isAncestorOf(g)) n += s.slotPages(i);
            }
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("stock[");
        for (int i = 0; i < cached.length(); i++) {
            MemCgroup m = cached.get(i);
            b.append(i == 0 ? "" : " ").append(m == null ? "-" : m.id() + ":" + nrPages.get(i));
        }
        return b.append(flushing.get() ? " flushing]" : "]").toString();
    }
}
