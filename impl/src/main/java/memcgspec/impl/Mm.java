package memcgspec.impl;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The machine the mm paths run on: a fixed pool of page frames with its allocator, a memcg
 * hierarchy, the page cache of one file, a swap device, and the CPUs.
 *
 * <p>The hierarchy has the shape the specs use: memcgs 0..nMemcg, 0 is the root (unlimited),
 * memcg m > 0 has parent (m - 1) / fanout and max {@code limit}; fanout 1 gives a chain.
 * {@link #setMax} changes a limit afterwards.
 *
 * <p>Thread-safe: CPUs may run on different threads (one thread per CPU at a time), with the
 * locking discipline of the kernel described on each step of the protocols' step classes
 * ({@link memcgspec.impl.charge.ChargeSteps}, {@link memcgspec.impl.swap.SwapSteps}).
 */
public final class Mm {
    private final Config config;
    private final MemCgroup[] memcgs;
    private final Folio[] folios;
    private final PageCache cache;
    private final SwapDevice swap;
    private final Cpu[] cpus;
    /** By memcg id: its parent's id, -1 for the root. */
    private final int[] parentIds;
    private final Accounting accounting;
    private final KmemPage[] kpages;
    /** The objcgs, by the id of the memcg that allocated them; null at the root's place. */
    private final ObjCgroup[] objcgs;
    /** objcg_lock: the objcg lists and every objcg->memcg update. */
    private final Object objcgLock = new Object();
    /** Under objcg_lock: the objcg_lists taken for writing so far; the last copy of them ({@link #objcgLists}) and the count it was made at. */
    private long objcgListWrites, listsCopyAt = -1;
    private ObjCgroup[][] listsCopy;

    /**
     * The shape of a machine.
     *
     * @param cpus number of CPUs
     * @param folios number of page frames
     * @param indexes page-cache indexes of the one file
     * @param nMemcg number of non-root memcgs
     * @param fanout hierarchy shape: parent of m is (m - 1) / fanout
     * @param limit memory.max of every non-root memcg, in pages
     * @param maxMapcount a bound on the ptes of a folio (mappings plus the swap entries of its
     *     slot); {@link Integer#MAX_VALUE} (no bound) except when a conformance run mirrors the
     *     finiteness bound MaxMap of a model
     * @param swapSlots slots of the swap device (0: no swap)
     * @param swapMax cgroup v2 swap.max of every memcg below the first level, in slots (the first
     *     level, like the root, is unlimited)
     * @param version the accounting mode: 1 (cgroup v1, memsw counter) or 2 (cgroup v2, swap counter)
     * @param leafTasks tasks run only in memcgs with no online child (cgroup v2's no-internal-process
     *     rule; Swap.tla's LeafTasks); false: in any online non-root memcg
     * @param kmemPages page frames for kernel memory (__GFP_ACCOUNT allocations; Kmem.tla's KPages)
     */
    /**
     * The machine's shape. {@code stockBatch} and {@code stockSlots} are MEMCG_CHARGE_BATCH and
     * NR_MEMCG_STOCK of the per-CPU charge stock ({@link MemcgStock}); 0 slots: no stock (the kmem
     * charges go to the counters directly, as Kmem.tla has them).
     */
    public record Config(int cpus, int folios, int indexes, int nMemcg, int fanout, long limit, int maxMapcount,
                         int swapSlots, long swapMax, int version, boolean leafTasks, int kmemPages,
                         int stockBatch, int stockSlots) {
        public Config {
            if (cpus < 1 || folios < 0 || indexes < 0 || nMemcg < 1 || fanout < 1 || limit < 0 || maxMapcount < 1
                    || swapSlots < 0 || swapMax < 0 || (version != 1 && version != 2) || kmemPages < 0
                    || stockSlots < 0 || (stockSlots > 0 && stockBatch < 2)) {
                throw new IllegalArgumentException("bad machine shape: " + this);
            }
        }

        public Config(int cpus, int folios, int indexes, int nMemcg, int fanout, long limit, int maxMapcount) {
            this(cpus, folios, indexes, nMemcg, fanout, limit, maxMapcount, 0, 0, 2, false, 0, 0, 0);
        }

        public Config(int cpus, int folios, int indexes, int nMemcg, int fanout, long limit) {
            this(cpus, folios, indexes, nMemcg, fanout, limit, Integer.MAX_VALUE);
        }

        /** The same machine with a swap device of {@code slots} slots, swap.max and accounting mode. */
        public Config withSwap(int slots, long max, int ver) {
            return new Config(cpus, folios, indexes, nMemcg, fanout, limit, maxMapcount, slots, max, ver, leafTasks, kmemPages,
                    stockBatch, stockSlots);
        }

        /** The same machine where tasks run only in memcgs with no online child, or anywhere. */
        public Config withLeafTasks(boolean leaf) {
            return new Config(cpus, folios, indexes, nMemcg, fanout, limit, maxMapcount, swapSlots, swapMax, version, leaf, kmemPages,
                    stockBatch, stockSlots);
        }

        /** The same machine with {@code n} kmem page frames. */
        public Config withKmem(int n) {
            return new Config(cpus, folios, indexes, nMemcg, fanout, limit, maxMapcount, swapSlots, swapMax, version, leafTasks, n,
                    stockBatch, stockSlots);
        }

        /** The same machine with a per-CPU charge stock of {@code slots} slots and a batch of {@code batch} pages. */
        public Config withStock(int batch, int slots) {
            return new Config(cpus, folios, indexes, nMemcg, fanout, limit, maxMapcount, swapSlots, swapMax, version, leafTasks,
                    kmemPages, batch, slots);
        }

        /** Whether the charges (user pages', swap-ins', kmem pages') go through a per-CPU stock. */
        public boolean stock() {
            return stockSlots > 0;
        }
    }

    public Mm(Config config) {
        this.config = config;
        this.accounting = Accounting.of(config.version());
        memcgs = new MemCgroup[config.nMemcg() + 1];
        boolean memsw = accounting.doMemswAccount();
        memcgs[0] = new MemCgroup(0, null, PageCounter.UNLIMITED, PageCounter.UNLIMITED, memsw);
        for (int m = 1; m <= config.nMemcg(); m++) {
            MemCgroup parent = memcgs[(m - 1) / config.fanout()];
            // swap.max is set below the first level (Swap.tla's SwapMaxOf); the first level is unlimited.
            memcgs[m] = new MemCgroup(m, parent, config.limit(), parent.isRoot() ? PageCounter.UNLIMITED : config.swapMax(), memsw);
        }
        parentIds = new int[memcgs.length];
        for (int m = 0; m < memcgs.length; m++) parentIds[m] = memcgs[m].isRoot() ? -1 : memcgs[m].parent().id();
        // memcg_online_kmem: every non-root memcg gets its objcg (the root has none).
        objcgs = new ObjCgroup[memcgs.length];
        for (int m = 1; m < memcgs.length; m++) {
            objcgs[m] = new ObjCgroup(this, memcgs[m]);
            memcgs[m].onlineKmem(objcgs[m]);
        }
        kpages = new KmemPage[config.kmemPages()];
        for (int i = 0; i < kpages.length; i++) kpages[i] = new KmemPage(i);
        folios = new Folio[config.folios()];
        for (int i = 0; i < folios.length; i++) folios[i] = new Folio(i);
        cache = new PageCache(config.indexes());
        swap = new SwapDevice(config.swapSlots());
        cpus = new Cpu[config.cpus()];
        for (int i = 0; i < cpus.length; i++) cpus[i] = new Cpu(this, i);
    }

    public Config config() {
        return config;
    }

    public MemCgroup root() {
        return memcgs[0];
    }

    public MemCgroup memcg(int id) {
        return memcgs[id];
    }

    /**
     * The id of memcg {@code id}'s parent, -1 for the root (parents are fixed at creation): for the
     * checkers' sums over subtrees, which run after every step.
     */
    public int parentId(int id) {
        return parentIds[id];
    }

    public List<MemCgroup> memcgs() {
        return Collections.unmodifiableList(Arrays.asList(memcgs));
    }

    public Folio folio(int id) {
        return folios[id];
    }

    public List<Folio> folios() {
        return Collections.unmodifiableList(Arrays.asList(folios));
    }

    public PageCache cache() {
        return cache;
    }

    public SwapDevice swap() {
        return swap;
    }

    /** The accounting mode: cgroup v1 (memsw) or v2 (swap counter). */
    public Accounting accounting() {
        return accounting;
    }

    public KmemPage kpage(int id) {
        return kpages[id];
    }

    public List<KmemPage> kpages() {
        return Collections.unmodifiableList(Arrays.asList(kpages));
    }

    /** The objcg memcg {@code id} allocated at online (null for the root). */
    public ObjCgroup objcg(int id) {
        return objcgs[id];
    }

    /** A copy of memcg m's objcg_list (the objcgs it inherited from dead descendants), read under objcg_lock. */
    public List<ObjCgroup> objcgList(MemCgroup m) {
        synchronized (objcgLock) {
            return List.copyOf(m.objcgList());
        }
    }

    /**
     * Every memcg's objcg_list (by memcg id), copied under ONE taking of objcg_lock: for the
     * checkers, which read every list before and after each step. The copy is made again only
     * when a list was written since the last one (every write is counted: {@link
     * #writableObjcgList}); until then every call returns the same
     * arrays, which callers must not modify. A new copy is a new array: an older copy keeps the
     * lists as they were, so it serves as a snapshot.
     */
    public ObjCgroup[][] objcgLists() {
        synchronized (objcgLock) {
            if (listsCopy == null || listsCopyAt != objcgListWrites) {
                ObjCgroup[][] out = new ObjCgroup[memcgs.length][];
                for (int i = 0; i < memcgs.length; i++) {
                    List<ObjCgroup> l = memcgs[i].objcgList();
                    out[i] = l.toArray(new ObjCgroup[l.size()]);
                }
                listsCopy = out;
                listsCopyAt = objcgListWrites;
            }
            return listsCopy;
        }
    }

    /**
     * Memcg m's objcg_list, to write it: every write of an objcg_list takes it from here, under
     * objcg_lock, and is counted, so {@link #objcgLists} knows when its last copy is out of date.
     */
    List<ObjCgroup> writableObjcgList(MemCgroup m) {
        objcgListWrites++;
        return m.objcgList();
    }

    /** objcg_lock. */
    Object objcgLock() {
        return objcgLock;
    }

    public Cpu cpu(int id) {
        return cpus[id];
    }

    public List<Cpu> cpus() {
        return Collections.unmodifiableList(Arrays.asList(cpus));
    }

    /**
     * Installs a fresh write log of this machine's folios, kmem pages and memcgs and returns it (a
     * single-threaded engine's; see {@link Touches}). Call only while no step is running.
     */
    public Touches track() {
        Touches t = new Touches(folios.length, kpages.length, memcgs.length);
        for (Folio f : folios) f.track(t);
        for (KmemPage k : kpages) k.track(t);
        for (MemCgroup m : memcgs) m.track(t);
        for (int m = 1; m < objcgs.length; m++) objcgs[m].track(t);
        return t;
    }

    public void setMax(int memcg, long max) {
        memcgs[memcg].memory().setMax(max);
    }

    /**
     * A memcg that may be removed: below the first level (the model keeps the first level online,
     * so that swap records and charges never fall back to the root, whose own charges are not
     * modelled).
     */
    public boolean removable(MemCgroup m) {
        return !m.isRoot() && !m.parent().isRoot();
    }

    /**
     * cgroup_rmdir -> mem_cgroup_css_offline: memcg m goes offline. Refused unless m is removable,
     * online, has no online child and no CPU charges for one of its tasks (rmdir needs an empty
     * cgroup). The base css reference and the id's online reference are dropped; its folios keep
     * their charges and its swap records stay, keeping its id alive.
     */
    public void Offline(MemCgroup m) {
        synchronized (memcgs) {
            if (!removable(m)) throw new StepRefused("Offline(" + m + "): not removable");
            if (!m.online()) throw new StepRefused("Offline(" + m + "): not online");
            for (MemCgroup d : m.children()) if (d.online()) throw new StepRefused("Offline(" + m + "): child " + d + " is online");
            if (!m.offlineIfIdle()) throw new StepRefused("Offline(" + m + "): a CPU charges for one of its tasks");
            memcgReparentObjcgs(m);
            // drain_all_stock(memcg): every CPU with stocked pages of m gets its drain queued
            // (rmdir runs in a task that is none of this machine's CPUs: none drains here).
            if (config.stock()) MemcgStock.drainAllStock(this, m, null);
        }
    }

    /**
     * memcg_offline_kmem -> memcg_reparent_objcgs: memcg->objcg = NULL (new allocations no longer
     * find it); under objcg_lock the active objcg joins the memcg's list, every objcg on the list
     * (its own and those inherited from dead children) is repointed to the parent, and the list
     * is spliced onto the parent's; then percpu_ref_kill drops the objcg's initial reference
     * (orig_objcg still holds one). The parent is online (m had no online child, and m was online).
     */
    private void memcgReparentObjcgs(MemCgroup m) {
        MemCgroup parent = m.parent();
        ObjCgroup o = m.clearObjcg();
        synchronized (objcgLock) {
            List<ObjCgroup> list = writableObjcgList(m);
            list.add(o);
            for (ObjCgroup it : list) it.repoint(parent);
            writableObjcgList(parent).addAll(list);
            list.clear();
        }
        o.put();
    }

    /**
     * mem_cgroup_css_free (css_free_rwork_fn), after the last css_put: an offline memcg whose css
     * count is zero (no charged folio, no live id, no charging CPU, no child left) is freed, and
     * its reference on its parent is dropped.
     */
    public void Free(MemCgroup m) {
        synchronized (memcgs) {
            if (m.state() != MemCgroup.State.OFFLINE) throw new StepRefused("Free(" + m + "): not offline");
            if (m.cssRefs() != 0) throw new StepRefused("Free(" + m + "): " + m.cssRefs() + " css references left");
            // css_free runs after an RCU grace period: not while a CPU may hold a pointer to m.
            for (Cpu c : cpus) if (c.rcuMayHold(m)) throw new StepRefused("Free(" + m + "): cpu" + c.id() + " may hold it under rcu_read_lock");
            m.setState(MemCgroup.State.OFFLINE, MemCgroup.State.FREED);
            m.parent().cssPut();
            // __mem_cgroup_free: obj_cgroup_put(memcg->orig_objcg).
            m.origObjcg().put();
        }
    }

    /**
     * The model's bound on the ptes of folio p (mappings plus the swap entries of its slot): the
     * finiteness bound MaxMap of a conformance model, {@link Integer#MAX_VALUE} otherwise.
     */
    public int mapcountBound(Folio p) {
        int bound = config.maxMapcount();
        if (bound != Integer.MAX_VALUE) {
            int s = swap.slotOf(p);
            if (s >= 0) bound -= swap.count(s);
        }
        return bound;
    }

    /**
     * folio_put of a reference taken speculatively (folio_try_get). Under concurrency everybody
     * else may have let go meanwhile, making ours the final put; and a folio_try_get may take a new
     * reference at any moment until the count is 0, so "last" must be decided by the CAS itself
     * (folio_put_testzero), retrying when it fails. The final put uncharges and frees the folio.
     */
    public static void putSpeculative(Folio p) {
        for (;;) {
            if (p.putNotLast()) return;
            if (p.putLast()) {
                Memcontrol.uncharge(p);
                p.release();
                return;
            }
        }
    }

    /**
     * A folio that is free now, left in the free lists (a step allocates it itself, and may find
     * it taken meanwhile), or null when none is free.
     */
    public Folio findFree(int hint) {
        for (int k = 0; k < folios.length; k++) {
            Folio f = folios[Math.floorMod(hint + k, folios.length)];
            if (f.isFree()) return f;
        }
        return null;
    }

    /** The page allocator: any free folio, taken out of the free lists, or null when none is free. */
    public Folio allocFolio(int hint) {
        for (int k = 0; k < folios.length; k++) {
            Folio f = folios[Math.floorMod(hint + k, folios.length)];
            if (f.isFree() && f.allocate()) return f;
        }
        return null;
    }

    /**
     * A deep, independent copy of this machine (memcgs, counters, folios, page cache, CPU states).
     * Call only while no step is running.
     */
    public Mm copy() {
        Mm c = new Mm(config);
        for (int m = 0; m < memcgs.length; m++) c.memcgs[m].copyFrom(memcgs[m]);
        for (int i = 0; i < folios.length; i++) {
            MemCgroup owner = folios[i].memcg();
            c.folios[i].copyFrom(folios[i], owner == null ? null : c.memcgs[owner.id()]);
        }
        for (int i = 0; i < cache.size(); i++) {
            Folio f = cache.slot(i);
            c.cache.store(i, f == null ? null : c.folios[f.id()]);
        }
        c.swap.copyFrom(swap, c);
        for (int m = 1; m < objcgs.length; m++) c.objcgs[m].copyFrom(objcgs[m], c);
        for (int m = 1; m < memcgs.length; m++) {
            if (!memcgs[m].online()) c.memcgs[m].clearObjcg();
            for (int o = 1; o < objcgs.length; o++) {
                MemCgroup at = c.objcgs[o].memcg();
                if (at != null && (o != at.id() || !at.online()) && at.id() == m) c.writableObjcgList(c.memcgs[m]).add(c.objcgs[o]);
            }
        }
        for (int i = 0; i < kpages.length; i++) c.kpages[i].copyFrom(kpages[i], c);
        for (int i = 0; i < cpus.length; i++) c.cpus[i].copyFrom(cpus[i]);
        return c;
    }
}
