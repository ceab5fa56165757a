package memcgspec.props;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.SwapDevice;

/**
 * The Swap protocol (spec/Swap.tla) as a {@link Model} of the Java implementation {@link Mm} with
 * a swap device: random steps of every action of the spec (Charge.tla's, reclaim and swap-out,
 * swap-in, slot and swap-cache freeing, Offline and Free), at sizes TLC cannot reach, checked
 * against {@link SwapInvariants} after every step, then drained to quiescence.
 *
 * <p>The step choice is biased so that swap really cycles: reclaim targets mapped anon folios and
 * swap-cache folios, faults target slots that ptes hold, memory.max and swap.max are tight, and
 * Offline prefers memcgs that have swapped pages.
 *
 * <p>Naming as in {@link ChargeModel}; slots are s1, s2, ... (slot 0 is s1).
 */
public class SwapModel implements Workload<Mm> {

    /**
     * A machine shape (with its swap device, swap.max and accounting version) plus memory.max values that
     * differ from the common one.
     */
    public record Setup(String name, Mm.Config mm, Map<Integer, Long> maxes) {
        public Setup {
            maxes = Map.copyOf(maxes);
        }

        public int version() {
            return mm.version();
        }
    }

    /**
     * 200 folios, 3 levels (root -> {1,2}, 1 -> {3,4}, 2 -> {5,6}), 4 CPUs, 8 cache indexes, 16 slots;
     * memory.max 10 (less on some memcgs), swap.max 2 on the second level (the first is unlimited).
     */
    public static Setup tight(int version) {
        return new Setup("tight-v" + version, new Mm.Config(4, 200, 8, 6, 2, 10).withSwap(16, 2, version),
                Map.of(2, 8L, 3, 5L, 5, 3L, 6, 6L));
    }

    /** A chain root -> 1 -> ... -> 8; 16 slots, swap.max 5 from memcg 2 down: the chain's total below 1 is bounded by memcg 2's. */
    public static Setup deepChain(int version) {
        return new Setup("deep-chain-v" + version, new Mm.Config(4, 200, 8, 8, 1, 14).withSwap(16, 5, version),
                Map.of(3, 10L, 6, 6L, 8, 3L));
    }

    /** 12 CPUs, 12 memcgs of fanout 3, 256 folios, 24 slots, swap.max 1 on the second level. */
    public static Setup manyCpus(int version) {
        return new Setup("many-cpus-v" + version, new Mm.Config(12, 256, 16, 12, 3, 10).withSwap(24, 1, version),
                Map.of(1, 8L, 4, 4L, 7, 3L, 12, 3L));
    }

    /** Every setup, for v1 and v2. */
    public static List<Setup> all() {
        List<Setup> l = new ArrayList<>();
        for (int ver = 1; ver <= 2; ver++) {
            l.add(tight(ver));
            l.add(deepChain(ver));
            l.add(manyCpus(ver));
        }
        return l;
    }

    private final Setup setup;

    public SwapModel(Setup setup) {
        this.setup = setup;
    }

    public Setup setup() {
        return setup;
    }

    @Override
    public Mm create() {
        return ChargeModel.build(setup.mm(), setup.maxes());
    }

    public static String s(int slot) {
        return "s" + (slot + 1);
    }

    private static String c(int cpu) {
        return ChargeModel.c(cpu);
    }

    private static String p(int folio) {
        return ChargeModel.p(folio);
    }

    // ------------------------------------------------------------------------------------------
    // The swap steps, named and parameterised as the spec's actions
    // ------------------------------------------------------------------------------------------

    private interface CpuStep {
        Object run(Cpu c);
    }

    private static Call<Mm> cpuStep(String name, int c, CpuStep body, Object... extra) {
        Object[] args = new Object[extra.length + 1];
        args[0] = c(c);
        System.arraycopy(extra, 0, args, 1, extra.length);
        return Call.of(name, c, mm -> body.run(mm.cpu(c)), args);
    }

    public static Call<Mm> reclaim(int c, int p) {
        return Call.of("Reclaim", c, mm -> {
            mm.cpu(c).Reclaim(mm.folio(p));
            return null;
        }, c(c), p(p));
    }

    /** Outcome "swap.max" when cgroup v2's swap charge fails. */
    public static Call<Mm> addToSwap(int c, int s) {
        return cpuStep("AddToSwap", c, cpu -> cpu.AddToSwap(s) ? null : "swap.max", s(s));
    }

    public static Call<Mm> tryToUnmap(int c) {
        return cpuStep("TryToUnmap", c, cpu -> {
            cpu.TryToUnmap();
            return null;
        });
    }

    /** Outcome "dead" when the swap-out killed the slot (no pte holds it). */
    public static Call<Mm> swapOut(int c) {
        return cpuStep("SwapOut", c, cpu -> {
            cpu.SwapOut();
            return cpu.pc() == Pc.SLOT_FREE ? "dead" : null;
        });
    }

    /** Outcome "full" when no slot was free, "busy" when the freeze failed. */
    public static Call<Mm> reclaimAbort(int c) {
        return cpuStep("ReclaimAbort", c, cpu -> {
            boolean inSwap = cpu.slot() >= 0;
            cpu.ReclaimAbort();
            return inSwap ? "busy" : "full";
        });
    }

    public static Call<Mm> swapinHit(int c, int s) {
        return cpuStep("SwapinHit", c, cpu -> {
            cpu.SwapinHit(s);
            return null;
        }, s(s));
    }

    public static Call<Mm> swapinAlloc(int c, int s, int p, int m) {
        return Call.of("SwapinAlloc", c, mm -> {
            mm.cpu(c).SwapinAlloc(s, mm.folio(p), mm.memcg(m));
            return null;
        }, c(c), s(s), p(p), m);
    }

    /** Outcome "EEXIST" when SWAP_HAS_CACHE is held by another CPU, "ENOENT" when no pte holds the slot. */
    public static Call<Mm> swapcachePrepare(int c) {
        return Call.of("SwapcachePrepare", c, mm -> {
            Cpu cpu = mm.cpu(c);
            int s = cpu.slot();
            if (cpu.SwapcachePrepare()) return null;
            return mm.swap().count(s) == 0 ? "ENOENT" : "EEXIST";
        }, c(c));
    }

    /** Outcome "ENOMEM" when the charge fails. */
    public static Call<Mm> swapInCharge(int c) {
        return cpuStep("SwapInCharge", c, cpu -> cpu.SwapInCharge() ? null : "ENOMEM");
    }

    public static Call<Mm> addToSwapCache(int c) {
        return cpuStep("AddToSwapCache", c, cpu -> {
            cpu.AddToSwapCache();
            return null;
        });
    }

    public static Call<Mm> swapinUnchargeSwap(int c) {
        return cpuStep("SwapinUnchargeSwap", c, cpu -> {
            cpu.SwapinUnchargeSwap();
            return null;
        });
    }

    /** Outcome "mapped" or "raced" (the entry or the swap-cache folio was gone). */
    public static Call<Mm> swapinMap(int c) {
        return cpuStep("SwapinMap", c, cpu -> cpu.SwapinMap() ? "mapped" : "raced");
    }

    public static Call<Mm> swapcacheFree(int c) {
        return cpuStep("SwapcacheFree", c, cpu -> {
            cpu.SwapcacheFree();
            return null;
        });
    }

    public static Call<Mm> freeSwapAndCache(int c, int s) {
        return cpuStep("FreeSwapAndCache", c, cpu -> {
            cpu.FreeSwapAndCache(s);
            return cpu.pc() == Pc.SLOT_FREE ? "dead" : null;
        }, s(s));
    }

    public static Call<Mm> deleteFromSwapCache(int c, int s) {
        return cpuStep("DeleteFromSwapCache", c, cpu -> {
            cpu.DeleteFromSwapCache(s);
            return null;
        }, s(s));
    }

    /** Outcome "recorded" when the freed slot had a swap_cgroup record (its charge is given back). */
    public static Call<Mm> swapSlotFree(int c) {
        return Call.of("SwapSlotFree", c, mm -> {
            Cpu cpu = mm.cpu(c);
            boolean rec = cpu.slot() >= 0 && mm.swap().record(cpu.slot()) != null;
            cpu.SwapSlotFree();
            return rec ? "recorded" : null;
        }, c(c));
    }

    /** Outcome "with-swap" when the memcg's subtree has swapped pages (recorded slots) as it goes offline. */
    public static Call<Mm> offline(int m) {
        return Call.of("Offline", -1, mm -> {
            MemCgroup g = mm.memcg(m);
            boolean swapped = recordedUnder(mm, g) > 0;
            mm.Offline(g);
            return swapped ? "with-swap" : null;
        }, m);
    }

    public static Call<Mm> free(int m) {
        return Call.of("Free", -1, mm -> {
            mm.Free(mm.memcg(m));
            return null;
        }, m);
    }

    static int recordedUnder(Mm mm, MemCgroup g) {
        int n = 0;
        for (int s = 0; s < mm.swap().size(); s++) {
            MemCgroup r = mm.swap().record(s);
            if (r != null && g.isAncestorOf(r)) n++;
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------
    // Random steps
    // ------------------------------------------------------------------------------------------

    @Override
    public Call<Mm> randomStep(Mm mm, Random r) {
        int nc = mm.cpus().size();
        int c = r.nextInt(nc);
        int w0 = r.nextInt(1000);
        if (w0 < 30) return arbitrary(mm, c, r);
        if (w0 < 36) return offlineStep(mm, r);
        if (w0 < 46) return freeStep(mm, r);
        Cpu cpu = mm.cpu(c);
        switch (cpu.pc()) {
            case IDLE:
                return idleStep(mm, c, r);
            case ANON_ALLOC:
            case CACHE_ALLOC:
                return ChargeModel.tryCharge(c);
            case ANON_CHARGED:
                return r.nextInt(100) < 10 ? ChargeModel.cancelCharge(c) : ChargeModel.commitCharge(c);
            case CACHE_CHARGED:
                return ChargeModel.addToCache(c);
            case CACHE_INSERTED:
                return ChargeModel.commitCharge(c);
            case CACHE_EEXIST:
                return ChargeModel.cancelCharge(c);
            case ANON_COMMITTED:
                return ChargeModel.mapAnon(c);
            case CACHE_COMMITTED:
                return ChargeModel.unlockPage(c);
            case PUT: {
                boolean last = cpu.held().refcount() == 1;
                if (r.nextInt(100) < 3) last = !last;
                return last ? ChargeModel.uncharge(c) : ChargeModel.putPage(c);
            }
            case RECLAIM:
                return reclaimStep(mm, c, r);
            case SWAPIN_ALLOC:
                return swapcachePrepare(c);
            case SWAPIN_PREPARED:
                return swapInCharge(c);
            case SWAPIN_CHARGED:
                return addToSwapCache(c);
            case SWAPIN_ADDED:
                return swapinUnchargeSwap(c);
            case SWAPIN_READ:
            case SWAPIN_HIT:
                return swapinMap(c);
            case SWAPIN_NOMEM:
                return swapcacheFree(c);
            case SLOT_FREE:
                return swapSlotFree(c);
            default:
                throw new AssertionError(cpu.pc());
        }
    }

    /** The next reclaim step the state calls for (one is always enabled). */
    private static Call<Mm> reclaimNext(Mm mm, int c) {
        Cpu cpu = mm.cpu(c);
        Folio f = cpu.held();
        if (cpu.slot() < 0) {
            int s = freeSlot(mm);
            return s < 0 ? reclaimAbort(c) : addToSwap(c, s);
        }
        if (f.mapcount() > 0) return tryToUnmap(c);
        return f.refcount() == 2 ? swapOut(c) : reclaimAbort(c);
    }

    private static Call<Mm> reclaimStep(Mm mm, int c, Random r) {
        // Now and then a step that may not be enabled: an abort while mapped, a swap-out too early.
        int w = r.nextInt(100);
        if (w < 3) return reclaimAbort(c);
        if (w < 6) return swapOut(c);
        if (w < 8) return addToSwap(c, r.nextInt(mm.swap().size()));
        return reclaimNext(mm, c);
    }

    private static int freeSlot(Mm mm) {
        SwapDevice d = mm.swap();
        for (int s = 0; s < d.size(); s++) if (!d.allocated(s)) return s;
        return -1;
    }

    /** A task memcg that is online (prefer), else any non-root memcg. */
    private static int taskMemcg(Mm mm, Random r) {
        int nm = mm.memcgs().size() - 1;
        for (int k = 0; k < 8; k++) {
            int m = 1 + r.nextInt(nm);
            if (mm.memcg(m).online()) return m;
        }
        return 1 + r.nextInt(nm);
    }

    private Call<Mm> idleStep(Mm mm, int c, Random r) {
        int w = r.nextInt(100);
        if (w < 28) return ChargeModel.allocAnon(c, pick(mm, r, Kind.FREE), taskMemcg(mm, r));
        if (w < 31) {
            int idx = pickIndex(mm, r, false);
            return ChargeModel.allocCache(c, pick(mm, r, Kind.FREE), taskMemcg(mm, r), idx);
        }
        if (w < 36) return ChargeModel.map(c, pick(mm, r, Kind.MAPPED));
        if (w < 42) return ChargeModel.unmap(c, pick(mm, r, Kind.MAPPED));
        if (w < 45) return ChargeModel.getPage(c, pick(mm, r, Kind.LIVE));
        if (w < 47) return ChargeModel.deleteFromCache(c, pickIndex(mm, r, true));
        if (w < 66) return reclaim(c, r.nextInt(4) == 0 ? pickSwapCacheFolio(mm, r) : pick(mm, r, Kind.ANON));
        if (w < 88) {
            int s = pickSlot(mm, r, SlotKind.PTE);
            Folio f = mm.swap().cached(s);
            if (f != null && r.nextInt(8) != 0) return swapinHit(c, s);
            return swapinAlloc(c, s, pick(mm, r, Kind.FREE), taskMemcg(mm, r));
        }
        if (w < 95) return freeSwapAndCache(c, pickSlot(mm, r, SlotKind.PTE));
        return deleteFromSwapCache(c, pickSlot(mm, r, SlotKind.CACHE_ONLY));
    }

    /** Offline of a removable online memcg with no online child, preferring one with swapped pages. */
    private static Call<Mm> offlineStep(Mm mm, Random r) {
        List<Integer> ok = new ArrayList<>(), swapped = new ArrayList<>();
        for (MemCgroup m : mm.memcgs()) {
            if (!m.online() || !mm.removable(m)) continue;
            boolean kids = false;
            for (MemCgroup d : m.children()) kids |= d.online();
            if (kids) continue;
            ok.add(m.id());
            if (recordedUnder(mm, m) > 0) swapped.add(m.id());
        }
        List<Integer> from = !swapped.isEmpty() && r.nextInt(4) != 0 ? swapped : ok;
        int m = from.isEmpty() ? 1 + r.nextInt(mm.memcgs().size() - 1) : from.get(r.nextInt(from.size()));
        return offline(m);
    }

    /** Free of an offline memcg (may be refused while referenced). */
    private static Call<Mm> freeStep(Mm mm, Random r) {
        List<Integer> off = new ArrayList<>(), ready = new ArrayList<>();
        for (MemCgroup m : mm.memcgs()) {
            if (m.state() != MemCgroup.State.OFFLINE) continue;
            off.add(m.id());
            if (m.cssRefs() == 0) ready.add(m.id());
        }
        List<Integer> from = !ready.isEmpty() && r.nextInt(3) != 0 ? ready : off;
        int m = from.isEmpty() ? 1 + r.nextInt(mm.memcgs().size() - 1) : from.get(r.nextInt(from.size()));
        return free(m);
    }

    private enum Kind { FREE, MAPPED, ANON, LIVE }

    private enum SlotKind { PTE, CACHE_ONLY }

    private static int pick(Mm mm, Random r, Kind kind) {
        List<Folio> fs = mm.folios();
        int n = fs.size();
        for (int tries = 0; tries < 12; tries++) {
            Folio f = fs.get(r.nextInt(n));
            if (is(mm, f, kind)) return f.id();
        }
        List<Integer> ok = new ArrayList<>();
        for (Folio f : fs) if (is(mm, f, kind)) ok.add(f.id());
        return ok.isEmpty() ? r.nextInt(n) : ok.get(r.nextInt(ok.size()));
    }

    private static boolean is(Mm mm, Folio f, Kind kind) {
        switch (kind) {
            case FREE:
                return f.refcount() == 0;
            case MAPPED:
                return f.mapcount() > 0;
            case ANON:
                return f.mapcount() > 0 && f.memcg() != null && !f.locked() && !mm.cache().contains(f);
            default:
                return f.refcount() > 0;
        }
    }

    /** An unlocked swap-cache folio, or any folio when there is none. */
    private static int pickSwapCacheFolio(Mm mm, Random r) {
        SwapDevice d = mm.swap();
        List<Integer> ok = new ArrayList<>();
        for (int s = 0; s < d.size(); s++) {
            Folio f = d.cached(s);
            if (f != null && !f.locked()) ok.add(f.id());
        }
        return ok.isEmpty() ? r.nextInt(mm.folios().size()) : ok.get(r.nextInt(ok.size()));
    }

    private static int pickSlot(Mm mm, Random r, SlotKind kind) {
        SwapDevice d = mm.swap();
        List<Integer> ok = new ArrayList<>();
        for (int s = 0; s < d.size(); s++) {
            boolean yes = kind == SlotKind.PTE ? d.count(s) > 0 : d.count(s) == 0 && d.cached(s) != null;
            if (yes) ok.add(s);
        }
        return ok.isEmpty() ? r.nextInt(d.size()) : ok.get(r.nextInt(ok.size()));
    }

    private static int pickIndex(Mm mm, Random r, boolean filled) {
        int n = mm.cache().size();
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < n; i++) if ((mm.cache().lookup(i) != null) == filled) ok.add(i);
        return ok.isEmpty() ? r.nextInt(n) : ok.get(r.nextInt(ok.size()));
    }

    /** Any action with any parameters: mostly refused (the refusal must change nothing). */
    private static Call<Mm> arbitrary(Mm mm, int c, Random r) {
        int p = r.nextInt(mm.folios().size()), m = 1 + r.nextInt(mm.memcgs().size() - 1), i = r.nextInt(mm.cache().size()),
                s = r.nextInt(mm.swap().size());
        switch (r.nextInt(32)) {
            case 0: return ChargeModel.allocAnon(c, p, m);
            case 1: return ChargeModel.allocCache(c, p, m, i);
            case 2: return ChargeModel.tryCharge(c);
            case 3: return ChargeModel.commitCharge(c);
            case 4: return ChargeModel.cancelCharge(c);
            case 5: return ChargeModel.mapAnon(c);
            case 6: return ChargeModel.addToCache(c);
            case 7: return ChargeModel.unlockPage(c);
            case 8: return ChargeModel.map(c, p);
            case 9: return ChargeModel.unmap(c, p);
            case 10: return ChargeModel.getPage(c, p);
            case 11: return ChargeModel.deleteFromCache(c, i);
            case 12: return ChargeModel.putPage(c);
            case 13: return ChargeModel.uncharge(c);
            case 14: return reclaim(c, p);
            case 15: return addToSwap(c, s);
            case 16: return tryToUnmap(c);
            case 17: return swapOut(c);
            case 18: return reclaimAbort(c);
            case 19: return swapinHit(c, s);
            case 20: return swapinAlloc(c, s, p, m);
            case 21: return swapcachePrepare(c);
            case 22: return swapInCharge(c);
            case 23: return addToSwapCache(c);
            case 24: return swapinUnchargeSwap(c);
            case 25: return swapinMap(c);
            case 26: return swapcacheFree(c);
            case 27: return freeSwapAndCache(c, s);
            case 28: return deleteFromSwapCache(c, s);
            case 29: return swapSlotFree(c);
            case 30: return offline(m);
            default: return free(m);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Checks, snapshot, drain, trace view
    // ------------------------------------------------------------------------------------------

    @Override
    public List<String> invariants(Mm mm) {
        return SwapInvariants.check(mm);
    }

    /** Every counter, folio, cache index, slot, memcg state and CPU, as one long[]. */
    @Override
    public Object snapshot(Mm mm) {
        MemCgroup[] ms = mm.memcgs().toArray(new MemCgroup[0]);
        Folio[] fs = mm.folios().toArray(new Folio[0]);
        Cpu[] cs = mm.cpus().toArray(new Cpu[0]);
        SwapDevice d = mm.swap();
        int n = mm.cache().size();
        long[] a = new long[ms.length * 14 + fs.length * 6 + n + d.size() * 5 + cs.length * 5];
        int k = 0;
        for (MemCgroup m : ms) {
            k = counter(a, k, m.memory());
            k = counter(a, k, m.memsw());
            k = counter(a, k, m.swap());
            a[k++] = m.state().ordinal();
            a[k++] = m.cssRefs();
        }
        for (Folio f : fs) {
            a[k++] = f.refcount();
            a[k++] = f.mapcount();
            a[k++] = f.memcg() == null ? 0 : f.memcg().id() + 1;
            a[k++] = f.locked() ? 1 : 0;
            a[k++] = f.isFree() ? 1 : 0;
            a[k++] = f.memswCharged() ? 1 : 0;
        }
        for (int i = 0; i < n; i++) {
            Folio f = mm.cache().lookup(i);
            a[k++] = f == null ? 0 : f.id() + 1;
        }
        for (int s = 0; s < d.size(); s++) {
            a[k++] = d.allocated(s) ? 1 : 0;
            a[k++] = d.count(s);
            a[k++] = d.hasCache(s) ? 1 : 0;
            Folio f = d.cached(s);
            a[k++] = f == null ? 0 : f.id() + 1;
            MemCgroup r = d.record(s);
            a[k++] = r == null ? 0 : r.id() + 1;
        }
        for (Cpu c : cs) {
            a[k++] = c.pc().ordinal();
            a[k++] = c.held() == null ? 0 : c.held().id() + 1;
            a[k++] = c.chargeTo() == null ? 0 : c.chargeTo().id() + 1;
            a[k++] = c.index() + 1;
            a[k++] = c.slot() + 1;
        }
        return a;
    }

    private static int counter(long[] a, int k, memcgspec.impl.PageCounter pcnt) {
        a[k++] = pcnt.usage();
        a[k++] = pcnt.max();
        a[k++] = pcnt.failcnt();
        a[k++] = pcnt.underflows();
        return k;
    }

    /**
     * Finishes each CPU's path (a CPU that waits for a folio lock is passed over until the holder
     * is done); then, on cpu c1: unmaps every mapping, drops every swap pte (FreeSwapAndCache),
     * deletes every cache-only swap folio and every page-cache folio, putting and freeing slots as
     * the paths call for; finally frees every offline memcg nothing refers to.
     */
    @Override
    public Call<Mm> nextDrainStep(Mm mm) {
        for (Cpu cpu : mm.cpus()) {
            Call<Mm> st = finish(mm, cpu);
            if (st != null) return st;
        }
        // Only CPUs waiting for a folio lock are left: nobody holds it for them. The step is refused
        // and the engine reports the drain as stuck (DrainStepsEnabled).
        for (Cpu cpu : mm.cpus()) if (cpu.pc() != Pc.IDLE) return swapinMap(cpu.id());
        for (Folio f : mm.folios()) if (f.mapcount() > 0) return ChargeModel.unmap(0, f.id());
        SwapDevice d = mm.swap();
        for (int s = 0; s < d.size(); s++) if (d.count(s) > 0) return freeSwapAndCache(0, s);
        for (int s = 0; s < d.size(); s++) if (d.cached(s) != null) return deleteFromSwapCache(0, s);
        for (int i = 0; i < mm.cache().size(); i++) if (mm.cache().lookup(i) != null) return ChargeModel.deleteFromCache(0, i);
        for (MemCgroup m : mm.memcgs()) {
            if (m.state() == MemCgroup.State.OFFLINE && m.cssRefs() == 0) return free(m.id());
        }
        return null;
    }

    private static Call<Mm> finish(Mm mm, Cpu cpu) {
        int c = cpu.id();
        switch (cpu.pc()) {
            case IDLE: return null;
            case ANON_ALLOC:
            case CACHE_ALLOC: return ChargeModel.tryCharge(c);
            case ANON_CHARGED: return ChargeModel.commitCharge(c);
            case CACHE_CHARGED: return ChargeModel.addToCache(c);
            case CACHE_INSERTED: return ChargeModel.commitCharge(c);
            case CACHE_EEXIST: return ChargeModel.cancelCharge(c);
            case ANON_COMMITTED: return ChargeModel.mapAnon(c);
            case CACHE_COMMITTED: return ChargeModel.unlockPage(c);
            case PUT: return cpu.held().refcount() > 1 ? ChargeModel.putPage(c) : ChargeModel.uncharge(c);
            case RECLAIM: return reclaimNext(mm, c);
            case SWAPIN_ALLOC: return swapcachePrepare(c);
            case SWAPIN_PREPARED: return swapInCharge(c);
            case SWAPIN_CHARGED: return addToSwapCache(c);
            case SWAPIN_ADDED: return swapinUnchargeSwap(c);
            case SWAPIN_READ: return swapinMap(c);
            case SWAPIN_HIT: return cpu.held().locked() ? null : swapinMap(c);
            case SWAPIN_NOMEM: return swapcacheFree(c);
            case SLOT_FREE: return swapSlotFree(c);
            default: throw new AssertionError(cpu.pc());
        }
    }

    /** Quiescent, nothing leaked, and every offline memcg freed (its last reference went). */
    @Override
    public List<String> atQuiescence(Mm mm) {
        List<String> v = new ArrayList<>();
        for (Cpu c : mm.cpus()) if (c.pc() != Pc.IDLE) v.add("Quiescent: " + c + " not idle after the drain");
        for (Folio f : mm.folios()) if (f.refcount() != 0 || !f.isFree()) v.add("Quiescent: " + f + " not free after the drain");
        SwapDevice d = mm.swap();
        for (int s = 0; s < d.size(); s++) {
            if (d.count(s) != 0 || d.hasCache(s) || d.cached(s) != null) v.add("Quiescent: slot " + s + " still used after the drain");
        }
        if (!SwapInvariants.quiescent(mm)) v.add("Quiescent: not quiescent after the drain");
        for (MemCgroup m : mm.memcgs()) {
            if (m.memory().usage() != 0 || m.memsw().usage() != 0 || m.swap().usage() != 0) {
                v.add("NoLeakAtQuiescence: " + m.memory() + " " + m.memsw() + " " + m.swap() + " after the drain");
            }
            if (m.state() == MemCgroup.State.OFFLINE) v.add("NoLeakAtQuiescence: " + m + " offline but never freed: " + m.cssRefs() + " css references left");
            long kids = 0;
            for (MemCgroup ch : m.children()) if (ch.state() != MemCgroup.State.FREED) kids++;
            if (m.state() != MemCgroup.State.FREED && m.cssRefs() != kids) {
                v.add("NoLeakAtQuiescence: " + m + " holds " + m.cssRefs() + " css references, " + kids + " live children");
            }
        }
        for (int s = 0; s < d.size(); s++) {
            if (d.allocated(s) || d.record(s) != null) v.add("NoLeakAtQuiescence: slot " + s + " allocated or recorded after the drain");
        }
        v.addAll(SwapInvariants.check(mm));
        return v;
    }

    @Override
    public int lanes(Mm mm) {
        return mm.cpus().size();
    }

    /** Counters of every memcg and its state; each folio's and slot's non-default fields. */
    @Override
    public Map<String, String> view(Mm mm) {
        Map<String, String> v = new LinkedHashMap<>();
        for (MemCgroup m : mm.memcgs()) {
            v.put("usage[" + m.id() + "]", String.valueOf(m.memory().usage()));
            if (mm.v1()) v.put("memsw[" + m.id() + "]", String.valueOf(m.memsw().usage()));
            else v.put("swap[" + m.id() + "]", String.valueOf(m.swap().usage()));
            if (!m.online()) v.put("state[" + m.id() + "]", m.state().spec());
        }
        for (Folio f : mm.folios()) {
            String p = p(f.id());
            if (f.memcg() != null) v.put("owner[" + p + "]", String.valueOf(f.memcg().id()));
            if (f.refcount() != 0) v.put("ref[" + p + "]", String.valueOf(f.refcount()));
            if (f.mapcount() != 0) v.put("map[" + p + "]", String.valueOf(f.mapcount()));
            if (f.locked()) v.put("locked[" + p + "]", "T");
            if (f.memcg() != null && mm.v1() && !f.memswCharged()) v.put("memswPart[" + p + "]", "F");
        }
        SwapDevice d = mm.swap();
        for (int s = 0; s < d.size(); s++) {
            String n = s(s);
            if (d.allocated(s)) v.put("allocated[" + n + "]", "T");
            if (d.count(s) != 0) v.put("swapMap[" + n + "]", String.valueOf(d.count(s)));
            if (d.hasCache(s)) v.put("hasCache[" + n + "]", "T");
            if (d.cached(s) != null) v.put("swapCache[" + n + "]", p(d.cached(s).id()));
            if (d.record(s) != null) v.put("record[" + n + "]", String.valueOf(d.record(s).id()));
        }
        for (int i = 0; i < mm.cache().size(); i++) {
            Folio f = mm.cache().lookup(i);
            if (f != null) v.put("cache[" + ChargeModel.i(i) + "]", p(f.id()));
        }
        return v;
    }
}
