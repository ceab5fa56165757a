package memcgspec.impl;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A page allocated with __GFP_ACCOUNT for the kernel's own use (a slab page, a page table, a
 * vmalloc page): its memcg_data names an objcg with MEMCG_DATA_KMEM (page_objcg), or nothing
 * before its charge and after its uncharge. A charged kmem page holds one reference on its objcg
 * and none on any memcg. Kmem pages are page frames of their own here (spec/Kmem.tla's KPages).
 *
 * <p>{@link #chargedAt()} is a history field the kernel does not keep: the memcg whose counters
 * the charge went up through, which the spec's invariants (Conservation's excess) read.
 */
public final class KmemPage {
    private final int id;
    private final AtomicBoolean allocated = new AtomicBoolean();
    /** A CPU is freeing it (one frees a given page: whoever frees the object owns it). */
    private final AtomicBoolean freeing = new AtomicBoolean();
    /** memcg_data: the objcg, or null. Written by the CPU that charges or uncharges the page. */
    private volatile ObjCgroup objcg;
    /** History: the memcg charged, or null (see the class comment). */
    private volatile MemCgroup chargedAt;

    /** The machine's write log, when an engine installed one ({@link Mm#track}). */
    private Touches touches;

    KmemPage(int id) {
        this.id = id;
    }

    void track(Touches t) {
        touches = t;
    }

    /** Logs a write of this page (every write method calls it first). */
    private void touched() {
        Touches t = touches;
        if (t != null) t.logKpage(id);
    }

    public int id() {
        return id;
    }

    public boolean allocated() {
        return allocated.get();
    }

    /** __alloc_pages: take this page if it is free. */
    public boolean allocate() {
        touched();
        return allocated.compareAndSet(false, true);
    }

    /**
     * __free_pages: back to the allocator (memcg_data already cleared). A claim taken by
     * {@link #claimFree} is not touched: it is the claiming CPU's to give up (a charge that fails
     * frees its page while another CPU may hold a claim it is about to give up).
     */
    public void free() {
        touched();
        if (objcg != null) throw new AssertionError("freeing charged kmem page " + this);
        if (!allocated.compareAndSet(true, false)) throw new AssertionError("double free of kmem page " + this);
    }

    /** Whether a CPU is freeing it. */
    public boolean freeing() {
        return freeing.get();
    }

    /** Claims the page for this CPU's free: false when another CPU frees it. */
    public boolean claimFree() {
        touched();
        return freeing.compareAndSet(false, true);
    }

    /** Gives up a claim taken by {@link #claimFree} (the free was refused). */
    public void unclaimFree() {
        touched();
        freeing.set(false);
    }

    /** page_objcg / __folio_objcg: the objcg memcg_data names, or null. */
    public ObjCgroup objcg() {
        return objcg;
    }

    /** The memcg the charge went up through (history; see the class comment), or null. */
    public MemCgroup chargedAt() {
        return chargedAt;
    }

    /** page->memcg_data = objcg | MEMCG_DATA_KMEM, after the charge to {@code memcg}. */
    void setCharged(ObjCgroup o, MemCgroup memcg) {
        touched();
        chargedAt = memcg;
        objcg = o;
    }

    /** folio->memcg_data = 0. */
    void clearCharged() {
        touched();
        objcg = null;
        chargedAt = null;
    }

    void copyFrom(KmemPage o, Mm target) {
        touched();
        allocated.set(o.allocated.get());
        freeing.set(o.freeing.get());
        objcg = o.objcg == null ? null : target.objcg(o.objcg.id());
        chargedAt = o.chargedAt == null ? null : target.memcg(o.chargedAt.id());
    }

    @Override
    public String toString() {
        return "kpage" + id;
    }
}
