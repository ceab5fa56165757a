package memcgspec.impl;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An object cgroup (struct obj_cgroup, mm/memcontrol.c since bf4f059954dc, v5.9): what a kmem
 * page or object is charged to instead of a memcg, so that kernel memory which outlives its
 * cgroup keeps no memcg alive. It points at a memcg ({@code objcg->memcg}), which offline
 * repoints to the parent (memcg_reparent_objcgs, under {@link Mm#objcgLock}); every uncharge goes
 * to the memcg it points at THEN. Its reference count is a percpu_ref: the initial reference
 * (killed at the memcg's offline), orig_objcg's (the memcg's own, put in __mem_cgroup_free), one
 * per charged kmem page, and one per task allocating for it (current->objcg; held here for one
 * allocation). The put that drops the last reference releases it (obj_cgroup_release: list_del
 * under objcg_lock, kfree_rcu): its memcg pointer is cleared, and a released objcg must never be
 * used again (Kmem.tla's NoObjcgUseAfterFree).
 *
 * <p>Named, as in the spec, by the memcg that allocated it at online (memcg_online_kmem): the
 * root has none.
 */
public final class ObjCgroup {
    private final int id;
    private final Mm mm;
    /** objcg->memcg (WRITE_ONCE under objcg_lock, READ_ONCE by readers); null once released. */
    private volatile MemCgroup memcg;
    /** The percpu_ref's count (atomic mode: the model needs no per-CPU fast path). */
    private final AtomicLong refcnt = new AtomicLong(2);
    /** The machine's write log, when an engine installed one ({@link Mm#track}): a write is logged as one of the memcg of the same id. */
    private Touches touches;

    ObjCgroup(Mm mm, MemCgroup owner) {
        this.mm = mm;
        this.id = owner.id();
        this.memcg = owner;
    }

    void track(Touches t) {
        touches = t;
    }

    /** Logs a write of this objcg, as one of memcg {@link #id} (every method that writes its fields calls it first). */
    private void log() {
        Touches t = touches;
        if (t != null) t.logMemcg(id);
    }

    /** The id of the memcg that allocated it. */
    public int id() {
        return id;
    }

    /** obj_cgroup_memcg: the memcg it points at now (a reader may see it change next), or null once released. */
    public MemCgroup memcg() {
        return memcg;
    }

    /** The reference count. */
    public long refs() {
        return refcnt.get();
    }

    /** Whether obj_cgroup_release has run. */
    public boolean released() {
        return memcg == null;
    }

    /** obj_cgroup_get. The caller holds a reference already (a charged page's, the task's, orig_objcg's). */
    public void get() {
        log();
        if (refcnt.getAndIncrement() <= 0) throw new AssertionError("obj_cgroup_get of a released " + this);
    }

    /** obj_cgroup_put: the last reference releases the objcg. */
    public void put() {
        log();
        long r = refcnt.decrementAndGet();
        if (r < 0) throw new AssertionError("objcg reference underflow on " + this);
        if (r == 0) release();
    }

    /** obj_cgroup_release: list_del under objcg_lock, then kfree_rcu. */
    private void release() {
        log();
        synchronized (mm.objcgLock()) {
            MemCgroup m = memcg;
            if (m != null) mm.writableObjcgList(m).remove(this);
            memcg = null;
        }
    }

    /** memcg_reparent_objcgs, step 2: WRITE_ONCE(iter->memcg, parent), under objcg_lock. */
    void repoint(MemCgroup parent) {
        log();
        memcg = parent;
    }

    void copyFrom(ObjCgroup o, Mm target) {
        log();
        memcg = o.memcg == null ? null : target.memcg(o.memcg.id());
        refcnt.set(o.refcnt.get());
    }

    @Override
    public String toString() {
        return "objcg" + id;
    }
}
