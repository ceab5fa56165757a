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

/**
 * The Charge protocol (spec/Charge.tla) as a {@link Model} of the Java implementation {@link Mm}:
 * random steps of the spec's actions, at sizes TLC cannot reach, checked against
 * {@link ChargeInvariants} after every step.
 *
 * <p>Naming, as in the spec's traces: CPUs c1.., pages p1.., indexes i1.. (all 1-based; the Java
 * ids are 0-based), memcgs by number (0 is the root). {@code AllocAnon(c2, p17, 3)} is
 * {@code mm.cpu(1).AllocAnon(mm.folio(16), mm.memcg(3))}.
 */
public class ChargeModel implements Workload<Mm> {

    /**
     * A machine shape plus limits that differ from the common one.
     *
     * @param maxes memcg id -> memory.max, applied with {@link Mm#setMax} after creation
     */
    public record Setup(String name, Mm.Config mm, Map<Integer, Long> maxes) {
        public Setup {
            maxes = Map.copyOf(maxes);
        }
    }

    /**
     * The default: 200 folios, 3 levels (root -> {1,2}, 1 -> {3,4}, 2 -> {5,6}), 4 CPUs, 16 cache
     * indexes, and tight limits (a few tens of pages for 200 folios, less on some leaves), so that
     * charges fail often at every level.
     */
    public static Setup tight() {
        return new Setup("tight", new Mm.Config(4, 200, 16, 6, 2, 20), Map.of(2, 12L, 3, 6L, 5, 4L, 6, 8L));
    }

    /** A chain root -> 1 -> ... -> 8 (fanout 1): a charge walks 9 counters. */
    public static Setup deepChain() {
        return new Setup("deep-chain", new Mm.Config(4, 200, 16, 8, 1, 30), Map.of(3, 18L, 6, 10L, 8, 5L));
    }

    /** 12 CPUs interleaving, a wider hierarchy, more cache. */
    public static Setup manyCpus() {
        return new Setup("many-cpus", new Mm.Config(12, 256, 32, 12, 3, 14), Map.of(1, 10L, 4, 4L, 7, 3L, 12, 3L));
    }

    private final Setup setup;

    public ChargeModel(Setup setup) {
        this.setup = setup;
    }

    public ChargeModel() {
        this(tight());
    }

    public Setup setup() {
        return setup;
    }

    @Override
    public Mm create() {
        return build(setup.mm(), setup.maxes());
    }

    /** A machine of the given shape, with the given memory.max overrides (memcg id -> max). */
    static Mm build(Mm.Config config, java.util.Map<Integer, Long> maxes) {
        Mm mm = new Mm(config);
        maxes.forEach(mm::setMax);
        return mm;
    }

    // ------------------------------------------------------------------------------------------
    // Names
    // ------------------------------------------------------------------------------------------

    public static String c(int cpu) {
        return "c" + (cpu + 1);
    }

    public static String p(int folio) {
        return "p" + (folio + 1);
    }

    public static String i(int index) {
        return "i" + (index + 1);
    }

    // ------------------------------------------------------------------------------------------
    // The steps, named and parameterised as the spec's actions
    // ------------------------------------------------------------------------------------------

    public static Call<Mm> allocAnon(int c, int p, int m) {
        return Call.of("AllocAnon", c, mm -> {
            mm.cpu(c).AllocAnon(mm.folio(p), mm.memcg(m));
            return null;
        }, c(c), p(p), m);
    }

    public static Call<Mm> allocCache(int c, int p, int m, int i) {
        return Call.of("AllocCache", c, mm -> {
            mm.cpu(c).AllocCache(mm.folio(p), mm.memcg(m), i);
            return null;
        }, c(c), p(p), m, i(i));
    }

    /** Outcome "ENOMEM" when the charge fails. */
    public static Call<Mm> tryCharge(int c) {
        return Call.of("TryCharge", c, mm -> mm.cpu(c).TryCharge() ? null : "ENOMEM", c(c));
    }

    public static Call<Mm> commitCharge(int c) {
        return Call.of("CommitCharge", c, mm -> {
            mm.cpu(c).CommitCharge();
            return null;
        }, c(c));
    }

    public static Call<Mm> cancelCharge(int c) {
        return Call.of("CancelCharge", c, mm -> {
            mm.cpu(c).CancelCharge();
            return null;
        }, c(c));
    }

    public static Call<Mm> mapAnon(int c) {
        return Call.of("MapAnon", c, mm -> {
            mm.cpu(c).MapAnon();
            return null;
        }, c(c));
    }

    /** Outcome "EEXIST" when the index was filled meanwhile. */
    public static Call<Mm> addToCache(int c) {
        return Call.of("AddToCache", c, mm -> mm.cpu(c).AddToCache() ? null : "EEXIST", c(c));
    }

    public static Call<Mm> unlockPage(int c) {
        return Call.of("UnlockPage", c, mm -> {
            mm.cpu(c).UnlockPage();
            return null;
        }, c(c));
    }

    public static Call<Mm> map(int c, int p) {
        return Call.of("Map", c, mm -> {
            mm.cpu(c).Map(mm.folio(p));
            return null;
        }, c(c), p(p));
    }

    public static Call<Mm> unmap(int c, int p) {
        return Call.of("Unmap", c, mm -> {
            mm.cpu(c).Unmap(mm.folio(p));
            return null;
        }, c(c), p(p));
    }

    public static Call<Mm> getPage(int c, int p) {
        return Call.of("GetPage", c, mm -> {
            mm.cpu(c).GetPage(mm.folio(p));
            return null;
        }, c(c), p(p));
    }

    public static Call<Mm> deleteFromCache(int c, int i) {
        return Call.of("DeleteFromCache", c, mm -> {
            mm.cpu(c).DeleteFromCache(i);
            return null;
        }, c(c), i(i));
    }

    public static Call<Mm> putPage(int c) {
        return Call.of("PutPage", c, mm -> {
            mm.cpu(c).PutPage();
            return null;
        }, c(c));
    }

    public static Call<Mm> uncharge(int c) {
        return Call.of("Uncharge", c, mm -> {
            mm.cpu(c).Uncharge();
            return null;
        }, c(c));
    }

    // ------------------------------------------------------------------------------------------
    // Random steps
    // ------------------------------------------------------------------------------------------

    /**
     * Picks a CPU, then (mostly) one of the steps its path can take next, with parameters likely to
     * be enabled: free pages to allocate, mapped pages to unmap, filled indexes to evict. A few
     * percent of the steps are arbitrary (any action, any parameters), to exercise refusals.
     */
    @Override
    public Call<Mm> randomStep(Mm mm, Random r) {
        int nc = mm.cpus().size();
        int c = r.nextInt(nc);
        if (r.nextInt(100) < 4) return arbitrary(mm, c, r);
        Cpu cpu = mm.cpu(c);
        switch (cpu.pc()) {
            case IDLE:
                return idleStep(mm, c, r);
            case ANON_ALLOC:
            case CACHE_ALLOC:
                return tryCharge(c);
            case ANON_CHARGED:
                return r.nextInt(100) < 15 ? cancelCharge(c) : commitCharge(c);
            case CACHE_CHARGED:
                return addToCache(c);
            case CACHE_INSERTED:
                return commitCharge(c);
            case CACHE_EEXIST:
                return cancelCharge(c);
            case ANON_COMMITTED:
                return mapAnon(c);
            case CACHE_COMMITTED:
                return unlockPage(c);
            case PUT: {
                boolean last = cpu.held().refcount() == 1;
                if (r.nextInt(100) < 3) last = !last;
                return last ? uncharge(c) : putPage(c);
            }
            default:
                throw new AssertionError(cpu.pc());
        }
    }

    private Call<Mm> idleStep(Mm mm, int c, Random r) {
        int nm = mm.memcgs().size() - 1;
        int w = r.nextInt(100);
        if (w < 36) return allocAnon(c, pick(mm, r, Kind.FREE), 1 + r.nextInt(nm));
        if (w < 54) {
            int idx = pickIndex(mm, r, false);
            return allocCache(c, pick(mm, r, Kind.FREE), 1 + r.nextInt(nm), idx);
        }
        if (w < 64) return map(c, pick(mm, r, Kind.MAPPABLE));
        if (w < 80) return unmap(c, pick(mm, r, Kind.MAPPED));
        if (w < 88) return getPage(c, pick(mm, r, Kind.LIVE));
        return deleteFromCache(c, pickIndex(mm, r, true));
    }

    private enum Kind { FREE, MAPPED, MAPPABLE, LIVE }

    /** A random folio of the kind, or any folio when there is none. */
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
            case MAPPABLE:
                return f.mapcount() > 0 || (!f.locked() && f.refcount() > 0 && mm.cache().contains(f));
            default:
                return f.refcount() > 0;
        }
    }

    /** A random cache index that is filled (or empty), or any index when there is none. */
    private static int pickIndex(Mm mm, Random r, boolean filled) {
        int n = mm.cache().size();
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < n; i++) if ((mm.cache().lookup(i) != null) == filled) ok.add(i);
        return ok.isEmpty() ? r.nextInt(n) : ok.get(r.nextInt(ok.size()));
    }

    /** Any action with any parameters: mostly refused. */
    private Call<Mm> arbitrary(Mm mm, int c, Random r) {
        int p = r.nextInt(mm.folios().size()), m = 1 + r.nextInt(mm.memcgs().size() - 1), i = r.nextInt(mm.cache().size());
        switch (r.nextInt(14)) {
            case 0: return allocAnon(c, p, m);
            case 1: return allocCache(c, p, m, i);
            case 2: return tryCharge(c);
            case 3: return commitCharge(c);
            case 4: return cancelCharge(c);
            case 5: return mapAnon(c);
            case 6: return addToCache(c);
            case 7: return unlockPage(c);
            case 8: return map(c, p);
            case 9: return unmap(c, p);
            case 10: return getPage(c, p);
            case 11: return deleteFromCache(c, i);
            case 12: return putPage(c);
            default: return uncharge(c);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Checks, snapshot, drain, trace view
    // ------------------------------------------------------------------------------------------

    @Override
    public List<String> invariants(Mm mm) {
        return ChargeInvariants.check(mm);
    }

    /**
     * Counters (usage, max, failcnt, underflows), every folio field, the cache slots and every CPU's
     * state, as one long[] (ids + 1, 0 for none).
     */
    @Override
    public Object snapshot(Mm mm) {
        List<MemCgroup> ms = mm.memcgs();
        List<Folio> fs = mm.folios();
        List<Cpu> cs = mm.cpus();
        int n = mm.cache().size();
        long[] a = new long[ms.size() * 4 + fs.size() * 5 + n + cs.size() * 4];
        int k = 0;
        for (MemCgroup m : ms) {
            a[k++] = m.memory().usage();
            a[k++] = m.memory().max();
            a[k++] = m.memory().failcnt();
            a[k++] = m.memory().underflows();
        }
        for (Folio f : fs) {
            a[k++] = f.refcount();
            a[k++] = f.mapcount();
            a[k++] = f.memcg() == null ? 0 : f.memcg().id() + 1;
            a[k++] = f.locked() ? 1 : 0;
            a[k++] = f.isFree() ? 1 : 0;
        }
        for (int i = 0; i < n; i++) {
            Folio f = mm.cache().lookup(i);
            a[k++] = f == null ? 0 : f.id() + 1;
        }
        for (Cpu c : cs) {
            a[k++] = c.pc().ordinal();
            a[k++] = c.held() == null ? 0 : c.held().id() + 1;
            a[k++] = c.chargeTo() == null ? 0 : c.chargeTo().id() + 1;
            a[k++] = c.index() + 1;
        }
        return a;
    }

    /**
     * Finishes each CPU's path (committing pending charges, so that the committed pages' owners
     * are exercised too), then unmaps every mapping, evicts every cache index, and puts: on cpu
     * c1 once every CPU is idle.
     */
    @Override
    public Call<Mm> nextDrainStep(Mm mm) {
        for (Cpu cpu : mm.cpus()) {
            int c = cpu.id();
            switch (cpu.pc()) {
                case IDLE: continue;
                case ANON_ALLOC:
                case CACHE_ALLOC: return tryCharge(c);
                case ANON_CHARGED: return commitCharge(c);
                case CACHE_CHARGED: return addToCache(c);
                case CACHE_INSERTED: return commitCharge(c);
                case CACHE_EEXIST: return cancelCharge(c);
                case ANON_COMMITTED: return mapAnon(c);
                case CACHE_COMMITTED: return unlockPage(c);
                case PUT: return cpu.held().refcount() > 1 ? putPage(c) : uncharge(c);
                default: throw new AssertionError(cpu.pc());
            }
        }
        for (Folio f : mm.folios()) if (f.mapcount() > 0) return unmap(0, f.id());
        for (int i = 0; i < mm.cache().size(); i++) if (mm.cache().lookup(i) != null) return deleteFromCache(0, i);
        return null;
    }

    /** Quiescent (every CPU idle, every folio free) and nothing leaked (every counter at 0). */
    @Override
    public List<String> atQuiescence(Mm mm) {
        List<String> v = new ArrayList<>();
        for (Cpu c : mm.cpus()) if (c.pc() != Pc.IDLE) v.add("Quiescent: " + c + " not idle after the drain");
        for (Folio f : mm.folios()) {
            if (f.refcount() != 0 || !f.isFree()) v.add("Quiescent: " + f + " not free after the drain");
        }
        for (MemCgroup m : mm.memcgs()) {
            if (m.memory().usage() != 0) v.add("NoLeakAtQuiescence: " + m.memory() + " after the drain");
        }
        v.addAll(ChargeInvariants.check(mm));
        return v;
    }

    @Override
    public int lanes(Mm mm) {
        return mm.cpus().size();
    }

    /** usage[m] of every memcg; owner, ref, map, locked of each folio, and cache[i], when not 0/none. */
    @Override
    public Map<String, String> view(Mm mm) {
        Map<String, String> v = new LinkedHashMap<>();
        for (MemCgroup m : mm.memcgs()) v.put("usage[" + m.id() + "]", String.valueOf(m.memory().usage()));
        for (Folio f : mm.folios()) {
            String p = p(f.id());
            if (f.memcg() != null) v.put("owner[" + p + "]", String.valueOf(f.memcg().id()));
            if (f.refcount() != 0) v.put("ref[" + p + "]", String.valueOf(f.refcount()));
            if (f.mapcount() != 0) v.put("map[" + p + "]", String.valueOf(f.mapcount()));
            if (f.locked()) v.put("locked[" + p + "]", "T");
        }
        for (int i = 0; i < mm.cache().size(); i++) {
            Folio f = mm.cache().lookup(i);
            if (f != null) v.put("cache[" + i(i) + "]", p(f.id()));
        }
        return v;
    }
}
