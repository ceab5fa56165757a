package memcgspec.impl.kmem;

import memcgspec.impl.ChargeCaller;
import memcgspec.impl.Cpu;
import memcgspec.impl.CpuPart;
import memcgspec.impl.Jitter;
import memcgspec.impl.KmemPage;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Memcontrol;
import memcgspec.impl.Mm;
import memcgspec.impl.ObjCgroup;
import memcgspec.impl.Pc;

/**
 * The kmem protocol's steps on one CPU (spec/Kmem.tla, v6.12's mm/memcontrol.c): the charge of a
 * kmem page to the task's objcg (__memcg_kmem_charge_page -> obj_cgroup_charge_pages) and its
 * uncharge from the objcg's memcg of the moment (__memcg_kmem_uncharge_page ->
 * obj_cgroup_uncharge_pages), each through get_mem_cgroup_from_objcg's read of objcg->memcg and
 * css_tryget loop. Offline's reparenting and the release of objcgs are in {@link Mm#Offline},
 * {@link Mm#Free} and {@link ObjCgroup}.
 *
 * <p>Each public method whose name starts with an upper-case letter is ONE step and carries the
 * name of the TLA+ action it implements. A step the spec does not enable throws
 * {@link memcgspec.impl.StepRefused} and changes nothing. Whole paths are in {@link KmemPaths}.
 */
public final class KmemSteps implements CpuPart, ChargeCaller {
    private final Cpu cpu;
    private final Mm mm;
    /** The kmem page this CPU charges or uncharges, or null. */
    private KmemPage kpage;
    /** The objcg it charges or uncharges through, or null. */
    private ObjCgroup kobj;
    /** The memcg read from kobj->memcg (under rcu_read_lock, then with a css reference), or null. */
    private MemCgroup kmemcg;

    private KmemSteps(Cpu cpu) {
        this.cpu = cpu;
        this.mm = cpu.mm();
    }

    /** The kmem steps of CPU {@code cpu}. */
    public static KmemSteps of(Cpu cpu) {
        return cpu.part(PART, KmemSteps.class, KmemSteps::new);
    }

    /** This part's key on every CPU ({@link Cpu#partKey}). */
    private static final int PART = Cpu.partKey(KmemSteps.class);

    @Override
    public CpuPart copyFor(Cpu target) {
        KmemSteps c = new KmemSteps(target);
        Mm t = target.mm();
        c.kpage = kpage == null ? null : t.kpage(kpage.id());
        c.kobj = kobj == null ? null : t.objcg(kobj.id());
        c.kmemcg = kmemcg == null ? null : t.memcg(kmemcg.id());
        return c;
    }

    public Cpu cpu() {
        return cpu;
    }

    /** The kmem page this CPU works on, or null. */
    public KmemPage kpage() {
        return kpage;
    }

    /** The objcg this CPU charges or uncharges through, or null. */
    public ObjCgroup kobj() {
        return kobj;
    }

    /** The memcg read from the objcg (an RCU pointer, then a css reference), or null. */
    public MemCgroup kmemcg() {
        return kmemcg;
    }

    private void done() {
        kpage = null;
        kobj = null;
        kmemcg = null;
        cpu.setPc(Pc.IDLE);
    }

    /**
     * __alloc_pages with __GFP_ACCOUNT for a task of memcg m: free page k is allocated, then
     * current_obj_cgroup() finds m's objcg, on which the task holds a reference (modelled as held
     * for this allocation). Refused unless m is a memcg where tasks run (online, not the root; with
     * leaf tasks, no online child) and k is free. The task pins no css: m may go offline under the
     * allocation.
     */
    public void KmemAlloc(KmemPage k, MemCgroup m) {
        cpu.requirePc("KmemAlloc", Pc.IDLE);
        Cpu.requireTaskMemcg("KmemAlloc", m);
        if (!k.allocate()) throw cpu.refuse("KmemAlloc", k + " is not free");
        // The task is in m while it allocates: its css_set keeps m online (cgroup_mutex orders
        // this against rmdir), so m->objcg is m's objcg and holds a reference we can add to.
        if (!m.tryEnterTask(mm.config().leafTasks())) {
            k.free();
            throw cpu.refuse("KmemAlloc", m + " is not online, or (leaf tasks) has an online child");
        }
        ObjCgroup o = m.objcg();
        o.get();
        m.leaveTask();
        kpage = k;
        kobj = o;
        cpu.setPc(KmemPc.KMEM_CHARGE);
    }

    /**
     * get_mem_cgroup_from_objcg, first half: rcu_read_lock(); memcg = obj_cgroup_memcg(objcg).
     * The pointer may be stale when used (offline may repoint the objcg and put the memcg's last
     * css reference); under RCU the structure is not freed.
     */
    public void GetMemcgFromObjcg() {
        cpu.requirePc("GetMemcgFromObjcg", KmemPc.KMEM_CHARGE, KmemPc.KMEM_UNCHARGE);
        cpu.rcuReadLock();
        MemCgroup m = kobj.memcg();
        if (m == null) throw new AssertionError("objcg->memcg of a released " + kobj + " on " + cpu);
        cpu.rcuHold(m);
        kmemcg = m;
        cpu.setPc(cpu.pc() == KmemPc.KMEM_CHARGE ? KmemPc.KMEM_CHARGE_RCU : KmemPc.KMEM_UNCHARGE_RCU);
        Jitter.at(Jitter.Point.AFTER_OBJCG_MEMCG_READ);
    }

    /**
     * get_mem_cgroup_from_objcg, second half: css_tryget(&memcg->css), then rcu_read_unlock. On
     * failure (a dying memcg whose count reached zero: offline has repointed the objcg already)
     * "goto retry": the CPU reads objcg->memcg again.
     *
     * @return whether the reference was taken
     */
    public boolean CssTrygetMemcg() {
        cpu.requirePc("CssTrygetMemcg", KmemPc.KMEM_CHARGE_RCU, KmemPc.KMEM_UNCHARGE_RCU);
        boolean charge = cpu.pc() == KmemPc.KMEM_CHARGE_RCU;
        boolean ok = kmemcg.cssTryget();
        if (!ok) kmemcg = null;
        cpu.rcuReadUnlock();
        cpu.setPc(ok ? (charge ? KmemPc.KMEM_CHARGE_CSS : KmemPc.KMEM_UNCHARGE_CSS)
                     : (charge ? KmemPc.KMEM_CHARGE : KmemPc.KMEM_UNCHARGE));
        return ok;
    }

    /**
     * obj_cgroup_charge_pages on the memcg read ({@link Memcontrol#objCgroupChargePages}: try_charge_memcg,
     * the v1 kmem counter, css_put); then __memcg_kmem_charge_page commits the page to the objcg
     * (obj_cgroup_get, memcg_data), the task's hold ending. On failure (-ENOMEM) __alloc_pages
     * frees the page and the task's hold on the objcg ends (obj_cgroup_put: maybe its last).
     *
     * @return whether the page was charged
     */
    public boolean KmemCharge() {
        cpu.requirePc("KmemCharge", KmemPc.KMEM_CHARGE_CSS);
        requireNoStock("KmemCharge");
        boolean ok = Memcontrol.objCgroupChargePages(mm, kmemcg, 1);
        if (ok) chargeCommitted();
        else chargeFailed();
        return ok;
    }

    /** Kmem.tla's charge and uncharge go to the counters: refused on a machine whose kmem paths go through a per-CPU stock ({@link memcgspec.impl.stock.StockSteps}). */
    private void requireNoStock(String step) {
        if (mm.config().stock()) throw cpu.refuse(step, "this machine charges kmem through the per-CPU stock (StockSteps)");
    }

    /**
     * The end of a successful charge, try_charge_memcg and memcg1_account_kmem done on
     * {@link #kmemcg}: css_put, then __memcg_kmem_charge_page commits the page to the objcg
     * (obj_cgroup_get, memcg_data), the task's hold ending. The CPU is idle again. For the step
     * classes that run try_charge_memcg (this one, {@link memcgspec.impl.stock.StockSteps}).
     */
    public void chargeCommitted() {
        MemCgroup m = kmemcg;
        Memcontrol.kmemCommitPage(kpage, kobj, m);
        m.cssPut();
        done();
    }

    /**
     * The end of a failed charge (-ENOMEM), nothing charged: css_put, and __alloc_pages frees the
     * page; the task's hold on the objcg ends (obj_cgroup_put: maybe its last). The CPU is idle.
     */
    @Override
    public void chargeFailed() {
        MemCgroup m = kmemcg;
        kpage.free();
        kobj.put();
        m.cssPut();
        done();
    }

    /** The charge through the stock succeeded (spec/Stock.tla): memcg1_account_kmem, then {@link #chargeCommitted}. */
    @Override
    public void chargeSucceeded(MemCgroup m) {
        mm.accounting().accountKmem(m, 1);
        chargeCommitted();
    }

    @Override
    public boolean retrying() {
        return cpu.pc() == KmemPc.KMEM_CHARGE_RETRY;
    }

    /** The memcg get_mem_cgroup_from_objcg gave. */
    @Override
    public MemCgroup chargeTarget() {
        return kmemcg;
    }

    /** This CPU's charge of m (its {@link #kmemcg}) failed and ran drain_all_stock: it retries, css reference held (Stock.tla). */
    @Override
    public void chargeRetries(MemCgroup m) {
        cpu.setPc(KmemPc.KMEM_CHARGE_RETRY);
    }

    /**
     * __free_pages of charged kmem page k (by whoever frees the object, on any CPU):
     * folio_memcg_kmem, objcg = __folio_objcg. Refused unless k is allocated and charged and no
     * other CPU frees it.
     */
    public void KmemFree(KmemPage k) {
        cpu.requirePc("KmemFree", Pc.IDLE);
        if (!k.claimFree()) throw cpu.refuse("KmemFree", k + " is freed by another CPU");
        ObjCgroup o = k.objcg();
        if (!k.allocated() || o == null) {
            k.unclaimFree();
            throw cpu.refuse("KmemFree", k + " is not a charged kmem page");
        }
        kpage = k;
        kobj = o;
        cpu.setPc(KmemPc.KMEM_UNCHARGE);
    }

    /**
     * obj_cgroup_uncharge_pages on the memcg read: its counters (memory and memsw, directly: the
     * per-CPU stock is not modelled in Kmem.tla), then the rest of __memcg_kmem_uncharge_page
     * ({@link #unchargeDone}).
     */
    public void KmemUncharge() {
        cpu.requirePc("KmemUncharge", KmemPc.KMEM_UNCHARGE_CSS);
        requireNoStock("KmemUncharge");
        Memcontrol.kmemUnchargeCounters(mm, kmemcg);
        unchargeDone();
    }

    /**
     * The rest of obj_cgroup_uncharge_pages once the counters are uncharged or the page is in the
     * stock (memcg1_account_kmem, css_put), and of __memcg_kmem_uncharge_page
     * ({@link Memcontrol#kmemUnchargeRest}); then the page goes back to the allocator, and this
     * CPU gives up its claim on it ({@link KmemPage#claimFree}). The CPU is idle.
     */
    public void unchargeDone() {
        Memcontrol.kmemUnchargeRest(mm, kpage, kmemcg);
        kpage.free();
        kpage.unclaimFree();
        done();
    }
}
