package memcgspec.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One memory cgroup (struct mem_cgroup): an id, a place in the hierarchy, its page counters
 * (memory; memsw on cgroup v1; swap on cgroup v2), each parented by the parent memcg's counter of
 * the same kind, its statistics (memory.stat), its lifetime state, its memcg id's reference count
 * and its css reference count.
 *
 * <p>The css reference count keeps the structure alive. Its holders, as spec/Swap.tla's
 * CssRefBalance counts them: the base reference of an online css (kill_css drops it at offline),
 * the memcg id while its count is above zero, each folio charged to the memcg, each CPU faulting
 * for one of its tasks, and each child that is not yet freed. {@link Mm#Free} frees an offline
 * memcg only when the count is zero (css_free after the last css_put).
 *
 * <p>The id's count (memcg->id.ref) is 1 while online plus 1 per swap record
 * (mem_cgroup_id_get_online, mem_cgroup_id_put); when it falls to 0 the id is removed and puts
 * its css reference.
 */
public final class MemCgroup {
    /** Online (tasks may run in it), offline (removed, still referenced), freed (structure gone). */
    public enum State {
        ONLINE("online"), OFFLINE("offline"), FREED("freed");

        private final String spec;

        State(String spec) {
            this.spec = spec;
        }

        /** The spec's name for this state. */
        public String spec() {
            return spec;
        }
    }

    /**
     * The statistics items of memory.stat that the specs count (the specs' StatItems), each with
     * its spec name: the kernel's memcg vmstats, enum mem_cgroup_stat_index in v3.17-v4.x
     * (MEM_CGROUP_STAT_RSS, _CACHE, _FILE_MAPPED), memcg_stat_item / node_stat_item later
     * (MEMCG_RSS, MEMCG_CACHE, NR_FILE_MAPPED up to v5.7; NR_ANON_MAPPED, NR_FILE_PAGES since
     * v5.8).
     */
    public enum Stat {
        /** Anonymous pages charged to the memcg (v1 "rss", v2 "anon"): counted at commit_charge, by PageAnon. */
        ANON("anon"),
        /** Page-cache pages charged to the memcg (v1 "cache", v2 "file"): counted at commit_charge. */
        FILE("file"),
        /** Page-cache pages charged to the memcg and mapped (v1 "mapped_file", v2 "file_mapped"). */
        FILE_MAPPED("file_mapped"),
        /** Swap-cache pages charged to the memcg ("swapcached"): the swap protocol's. */
        SWAPCACHED("swapcached");

        private final String spec;

        Stat(String spec) {
            this.spec = spec;
        }

        /** The spec's name of this item (a field of the record stat[m]). */
        public String spec() {
            return spec;
        }
    }

    private final int id;
    private final MemCgroup parent;
    private final List<MemCgroup> children = new ArrayList<>();
    private final PageCounter memory;
    private final PageCounter memsw;
    private final PageCounter swap;
    /** cgroup v1's kmem counter (memory.kmem.usage_in_bytes): usage only, page_counter_charge. */
    private final PageCounter kmem;
    /** memcg->objcg: the objcg new kmem charges go to; null for the root and once offline. */
    private volatile ObjCgroup objcg;
    /** memcg->orig_objcg: the objcg allocated at online, whose reference the memcg holds until freed. */
    private ObjCgroup origObjcg;
    /** memcg->objcg_list: the objcgs inherited from dead descendants, under {@link Mm#objcgLock}. */
    private final List<ObjCgroup> objcgList = new ArrayList<>();
    /**
     * History (the kernel keeps no such count): kmem uncharges that left this memcg's own
     * counter charged, charged through it and uncharged above it after reparenting: its residue
     * (spec/Kmem.tla's residue[m]).
     */
    private final AtomicLong residue = new AtomicLong();
    private final AtomicReference<State> state = new AtomicReference<>(State.ONLINE);
    /** The css reference count; 2 at creation: the base reference and the id's (css_online). */
    private final AtomicLong css = new AtomicLong(2);
    /** memcg->id.ref: 1 while online, plus 1 per swap record. */
    private final AtomicLong idRef = new AtomicLong(1);
    /** do_memsw_account(): the memsw counter follows every memory charge (cgroup v1). */
    private final boolean memswAccount;
    /**
     * This memcg's own statistics (not hierarchical), by {@link Stat} ordinal. The kernel keeps
     * per-CPU deltas summed at read; one atomic per item is the same sum, read at once.
     */
    private final AtomicLongArray stats = new AtomicLongArray(STATS);
    private static final int STATS = Stat.values().length;
    /** CPUs charging for one of this memcg's tasks (a task in a fault keeps the cgroup populated). */
    private int chargers;
    /** The machine's write log, when an engine installed one ({@link Mm#track}). */
    private Touches touches;

    MemCgroup(int id, MemCgroup parent, long max, long swapMax, boolean memswAccount) {
        this.id = id;
        this.memswAccount = memswAccount;
        this.parent = parent;
        String[] names = counterNames(id);
        this.memory = new PageCounter(names[0], parent == null ? null : parent.memory, max);
        this.memsw = new PageCounter(names[1], parent == null ? null : parent.memsw, PageCounter.UNLIMITED);
        this.swap = new PageCounter(names[2], parent == null ? null : parent.swap, swapMax);
        this.kmem = new PageCounter(names[3], parent == null ? null : parent.kmem, PageCounter.UNLIMITED);
        if (parent != null) {
            parent.children.add(this);
            parent.cssGet();
        }
    }

    /** The counters' names of the first memcgs, made once: a machine is built for every copy (Mm#copy). */
    private static final String[][] COUNTER_NAMES = new String[64][];

    static {
        for (int i = 0; i < COUNTER_NAMES.length; i++) COUNTER_NAMES[i] = makeCounterNames(i);
    }

    private static String[] counterNames(int id) {
        return id < COUNTER_NAMES.length ? COUNTER_NAMES[id] : makeCounterNames(id);
    }

    private static String[] makeCounterNames(int id) {
        return new String[] {"memcg" + id, "memcg" + id + ".memsw", "memcg" + id + ".swap", "memcg" + id + ".kmem"};
    }

    /** Installs the machine's write log on this memcg and its counters. */
    void track(Touches t) {
        touches = t;
        memory.track(t, id);
        memsw.track(t, id);
        swap.track(t, id);
        kmem.track(t, id);
    }

    /** Logs a write of this memcg (every method that writes its fields calls it first). */
    private void log() {
        Touches t = touches;
        if (t != null) t.logMemcg(id);
    }

    public int id() {
        return id;
    }

    public MemCgroup parent() {
        return parent;
    }

    public boolean isRoot() {
        return parent == null;
    }

    public List<MemCgroup> children() {
        return Collections.unmodifiableList(children);
    }

    /** The memory counter (memory.current / memory.max). */
    public PageCounter memory() {
        return memory;
    }

    /** The cgroup v1 memory+swap counter (memory.memsw.usage_in_bytes); unlimited. */
    public PageCounter memsw() {
        return memsw;
    }

    /** The cgroup v2 swap counter (memory.swap.current / memory.swap.max). */
    public PageCounter swap() {
        return swap;
    }

    /** cgroup v1's kmem counter (usage only; unused on v2). */
    public PageCounter kmem() {
        return kmem;
    }

    /** memcg->objcg (rcu_dereference): null for the root and once offline. */
    public ObjCgroup objcg() {
        return objcg;
    }

    /** memcg->orig_objcg: null for the root. */
    public ObjCgroup origObjcg() {
        return origObjcg;
    }

    /** memcg->objcg_list: the inherited objcgs; read it only under {@link Mm#objcgLock}, and change it only through {@link Mm#writableObjcgList}. */
    List<ObjCgroup> objcgList() {
        return objcgList;
    }

    /** The history count of kmem uncharges this memcg's counter kept (see the field). */
    public long residue() {
        return residue.get();
    }

    void addResidue() {
        log();
        residue.incrementAndGet();
    }

    /** memcg_online_kmem: objcg->memcg = memcg, memcg->objcg = objcg, orig_objcg = objcg (its reference). */
    void onlineKmem(ObjCgroup o) {
        log();
        objcg = o;
        origObjcg = o;
    }

    /** memcg_reparent_objcgs, first step: rcu_replace_pointer(memcg->objcg, NULL). */
    ObjCgroup clearObjcg() {
        log();
        ObjCgroup o = objcg;
        objcg = null;
        return o;
    }

    public State state() {
        return state.get();
    }

    /** memcg_page_state (memory.stat): this memcg's own count of {@code item}, not its subtree's. */
    public long stat(Stat item) {
        return stats.get(item.ordinal());
    }

    /**
     * __mod_memcg_state / mod_memcg_state (v4.14+; before: mem_cgroup_inc_page_stat,
     * __this_cpu_add/sub on memcg->stat->count[]): this memcg's count of {@code item} changes by
     * {@code delta}. Atomic: concurrent updates of one item never lose one another. Local: no
     * ancestor changes (memory.stat's hierarchical totals are sums taken at read).
     */
    public void modState(Stat item, long delta) {
        log();
        stats.addAndGet(item.ordinal(), delta);
    }

    public boolean online() {
        return state.get() == State.ONLINE;
    }

    /** The css reference count (the base reference of an online css included). */
    public long cssRefs() {
        return css.get();
    }

    /** memcg->id.ref. */
    public long idRefs() {
        return idRef.get();
    }

    /** do_memsw_account(): every memory charge of this memcg is a memsw charge too (cgroup v1). */
    public boolean memswAccount() {
        return memswAccount;
    }

    /**
     * mem_cgroup_id_get_online: walk up from this memcg while
     * refcount_inc_not_zero(&memcg->id.ref) fails; the first memcg whose id is alive gets the
     * reference and is returned (the root's id never dies). An offline memcg whose swap records
     * keep its id alive is chosen.
     */
    public MemCgroup idGetOnline() {
        for (MemCgroup m = this; ; m = m.parent) {
            for (;;) {
                long r = m.idRef.get();
                if (r == 0) break;
                m.log();
                if (m.idRef.compareAndSet(r, r + 1)) return m;
            }
        }
    }

    /** mem_cgroup_id_put: the last reference removes the id, which puts its css reference. */
    public void idPut() {
        log();
        long r = idRef.decrementAndGet();
        if (r < 0) throw new AssertionError("id reference underflow on " + this);
        if (r == 0) cssPut();
    }

    public void cssGet() {
        log();
        css.incrementAndGet();
    }

    /**
     * css_tryget: a reference unless the count is zero (percpu_ref_tryget: a dying memcg whose last
     * reference is gone is not brought back; css_get would, which was eefbfa7fd678's use after free).
     */
    public boolean cssTryget() {
        log();
        for (;;) {
            long r = css.get();
            if (r <= 0) return false;
            if (css.compareAndSet(r, r + 1)) return true;
        }
    }

    public void cssPut() {
        log();
        if (css.decrementAndGet() < 0) throw new AssertionError("css reference underflow on " + this);
    }

    /**
     * A CPU starts charging for a task of this memcg: refused (false) unless online, and with
     * {@code leafOnly} (cgroup v2's no-internal-process rule, a model's LeafTasks) unless no child
     * is online; takes a css reference. Serialized with {@link #offlineIfIdle} (cgroup_mutex: a
     * populated cgroup cannot be removed).
     */
    public synchronized boolean tryEnterTask(boolean leafOnly) {
        log();
        if (state.get() != State.ONLINE) return false;
        if (leafOnly) for (MemCgroup d : children) if (d.online()) return false;
        chargers++;
        cssGet();
        return true;
    }

    /**
     * A CPU charging for a task of another memcg moves its charge here ({@link Cpu#tryMoveTask}) if
     * online (css_tryget_online): counted as a charger, a css reference taken; no leaf rule (the
     * memcg is charged, not joined).
     */
    public synchronized boolean tryEnterCharge() {
        log();
        if (state.get() != State.ONLINE) return false;
        chargers++;
        cssGet();
        return true;
    }

    public synchronized void leaveTask() {
        log();
        if (--chargers < 0) throw new AssertionError("chargers underflow on " + this);
        cssPut();
    }

    /**
     * Offline if online and no CPU charges for one of its tasks; false (no change) otherwise.
     * kill_css drops the base css reference, and mem_cgroup_css_offline the id's online
     * reference (mem_cgroup_id_put).
     */
    public synchronized boolean offlineIfIdle() {
        log();
        if (state.get() != State.ONLINE || chargers != 0) return false;
        state.set(State.OFFLINE);
        cssPut();
        idPut();
        return true;
    }

    boolean setState(State from, State to) {
        log();
        return state.compareAndSet(from, to);
    }

    /** True when {@code other} is this memcg or one of its descendants. */
    public boolean isAncestorOf(MemCgroup other) {
        for (MemCgroup m = other; m != null; m = m.parent) {
            if (m == this) return true;
        }
        return false;
    }

    void copyFrom(MemCgroup o) {
        log();
        memory.copyValuesFrom(o.memory);
        memsw.copyValuesFrom(o.memsw);
        swap.copyValuesFrom(o.swap);
        kmem.copyValuesFrom(o.kmem);
        residue.set(o.residue.get());
        for (int i = 0; i < stats.length(); i++) stats.set(i, o.stats.get(i));
        state.set(o.state.get());
        css.set(o.css.get());
        idRef.set(o.idRef.get());
        chargers = o.chargers;
    }

    @Override
    public String toString() {
        return "memcg" + id;
    }
}
