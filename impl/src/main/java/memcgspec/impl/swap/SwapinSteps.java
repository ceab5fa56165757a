package memcgspec.impl.swap;

import memcgspec.impl.ChargeCaller;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Memcontrol;
import memcgspec.impl.MemcontrolV1;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import memcgspec.impl.SwapDevice;

/**
 * The swap-in fault's steps on one CPU (spec/Swap.tla; mm/memory.c do_swap_page, mm/swap_state.c
 * __read_swap_cache_async): the swap-cache lookup, or the allocation, swapcache_prepare, the
 * charge before the swap cache (mem_cgroup_swapin_charge_folio), the insertion, the v1 uncharge
 * of the slot's memsw (mem_cgroup_swapin_uncharge_swap), the read's unlock, and the relock that
 * maps; or the give-back after a failed charge. As in {@link SwapSteps}, each public method whose
 * name starts with an upper-case letter is ONE step named after its TLA+ action, refused with
 * {@link StepRefused} and no change when the spec does not enable it, and takes the swap device's
 * lock once. The slot the fault works on is the CPU's swap state ({@link SwapSteps#slot}), which
 * reclaim and the slot-freeing steps share.
 */
public final class SwapinSteps implements ChargeCaller {
    private final SwapSteps state;
    private final Cpu cpu;
    private final Mm mm;

    SwapinSteps(SwapSteps state) {
        this.state = state;
        this.cpu = state.cpu();
        this.mm = cpu.mm();
    }

    /** The swap-in steps of CPU {@code cpu}. */
    public static SwapinSteps of(Cpu cpu) {
        return SwapSteps.of(cpu).swapin();
    }

    public Cpu cpu() {
        return cpu;
    }

    /**
     * lookup_swap_cache for a fault on a pte holding slot s: a folio in the swap cache, with a
     * reference (the cache's keeps it from being freed).
     */
    public void SwapinHit(int s) {
        cpu.requirePc("SwapinHit", Pc.IDLE);
        SwapDevice dev = mm.swap();
        cpu.setHeld(dev.locked(() -> {
            if (dev.countLocked(s) == 0) throw cpu.refuse("SwapinHit", "no pte holds slot " + s);
            Folio f = dev.cachedLocked(s);
            if (f == null) throw cpu.refuse("SwapinHit", "slot " + s + " has no swap-cache folio");
            f.get();
            return f;
        }));
        state.slot = s;
        cpu.setPc(SwapPc.SWAPIN_LOCK);
    }

    /**
     * alloc_page_vma after a swap-cache miss on slot s, for a fault of a task in online memcg m:
     * folio p, private to this CPU.
     */
    public void SwapinAlloc(int s, Folio p, MemCgroup m) {
        cpu.requirePc("SwapinAlloc", Pc.IDLE);
        SwapDevice dev = mm.swap();
        dev.locked(() -> {
            if (dev.countLocked(s) == 0) throw cpu.refuse("SwapinAlloc", "no pte holds slot " + s);
            if (dev.cachedLocked(s) != null) throw cpu.refuse("SwapinAlloc", "slot " + s + " has a swap-cache folio");
        });
        cpu.beginTask("SwapinAlloc", m);
        if (!p.allocate()) {
            cpu.endTask();
            throw cpu.refuse("SwapinAlloc", p + " is not free");
        }
        cpu.setHeld(p);
        state.slot = s;
        cpu.setPc(SwapPc.SWAPIN_ALLOC);
    }

    /**
     * swapcache_prepare: take SWAP_HAS_CACHE of the slot; on -EEXIST (another CPU holds it) or
     * -ENOENT (no pte holds the slot any more) the new folio is freed, unowned (the kernel's retry
     * is a new fault). On success the folio is locked and only this CPU may add a folio for the
     * slot to the swap cache.
     *
     * @return whether SWAP_HAS_CACHE was taken
     */
    public boolean SwapcachePrepare() {
        cpu.requirePc("SwapcachePrepare", SwapPc.SWAPIN_ALLOC);
        SwapDevice dev = mm.swap();
        boolean ok = dev.locked(() -> {
            if (dev.hasCacheLocked(state.slot) || dev.countLocked(state.slot) == 0) return false;
            dev.setHasCache(state.slot, true);
            return true;
        });
        if (ok) {
            cpu.held().setLockedNew();
            cpu.setPc(SwapPc.SWAPIN_PREPARED);
        } else {
            cpu.endTask();
            state.slot = -1;
            cpu.setPc(Pc.PUT);
        }
        return ok;
    }

    /**
     * mem_cgroup_swapin_charge_folio: charge the new folio before it enters the swap cache, to the
     * memcg recorded for the slot if it is online (css_tryget_online), else to the faulting task's;
     * try_charge and commit_charge in one step (the folio is private and locked), the folio
     * counted as anon. On v1 the charge covers memsw. On failure the fault gives SWAP_HAS_CACHE
     * back next.
     *
     * @return whether the charge succeeded
     */
    public boolean SwapInCharge() {
        cpu.requirePc("SwapInCharge", SwapPc.SWAPIN_PREPARED);
        if (mm.config().stock()) throw cpu.refuse("SwapInCharge", "this machine charges through the per-CPU stock (StockSteps)");
        MemCgroup t = chargeTarget();
        boolean ok = mm.accounting().tryCharge(t, 1) == null;
        if (ok) chargeSucceeded(t);
        else chargeFailed();
        return ok;
    }

    /**
     * The memcg the swap-in charges: the one recorded for the slot if it is online
     * (css_tryget_online), else the faulting task's; a swap-in retrying through the stock keeps
     * the one it took ({@link #chargeRetries}).
     */
    @Override
    public boolean retrying() {
        return cpu.pc() == SwapPc.SWAPIN_RETRY;
    }

    @Override
    public MemCgroup chargeTarget() {
        if (cpu.pc() == SwapPc.SWAPIN_RETRY) return cpu.chargeTo();
        MemCgroup r = mm.swap().record(state.slot);
        return r != null && r.online() ? r : cpu.chargeTo();
    }

    /**
     * The end of a successful charge of t (at the counters, or through the per-CPU stock:
     * {@link memcgspec.impl.stock.StockSteps}): commit_charge in the same step (the folio is
     * private and locked), the folio counted as anon; the task's css reference dropped.
     */
    @Override
    public void chargeSucceeded(MemCgroup t) {
        cpu.held().setAnon(); // a swapped-in folio is anonymous: it counts in its memcg's anon statistic
        if (!mm.accounting().commitCharge(cpu.held(), t)) {
            throw new AssertionError("a new swap-in folio was already charged: " + cpu.held());
        }
        cpu.endTask();
        cpu.setPc(SwapPc.SWAPIN_CHARGED);
    }

    /** The end of a failed charge (-ENOMEM): the css reference dropped; SWAP_HAS_CACHE is given back next. */
    @Override
    public void chargeFailed() {
        cpu.endTask();
        cpu.setPc(SwapPc.SWAPIN_NOMEM);
    }

    /**
     * The swap-in's charge failed and ran drain_all_stock (spec/Stock.tla's DrainAllStock): it
     * retries on the memcg it charges, so the CPU's css reference moves to that memcg (the kernel's
     * charge_memcg holds the reference mem_cgroup_swapin_charge_folio took on it).
     */
    @Override
    public void chargeRetries(MemCgroup t) {
        // t went offline since it was read (only under concurrency): the task's memcg, as the kernel falls back
        if (t != cpu.chargeTo()) cpu.tryMoveTask(t);
        cpu.setPc(SwapPc.SWAPIN_RETRY);
    }

    /**
     * add_to_swap_cache: the charged, locked folio enters the swap cache for its slot (ours alone:
     * we hold SWAP_HAS_CACHE), which takes a reference.
     */
    public void AddToSwapCache() {
        cpu.requirePc("AddToSwapCache", SwapPc.SWAPIN_CHARGED);
        SwapDevice dev = mm.swap();
        Folio f = cpu.held();
        dev.locked(() -> {
            if (dev.cachedLocked(state.slot) != null) throw new AssertionError("slot " + state.slot + " has a swap-cache folio though we hold SWAP_HAS_CACHE");
            f.get();
            dev.setCached(state.slot, f);
            Memcontrol.modMemcgPageState(f, MemCgroup.Stat.SWAPCACHED, 1);
        });
        // mem_cgroup_swapin_uncharge_swap does something only if do_memsw_account().
        cpu.setPc(mm.accounting().doMemswAccount() ? SwapPc.SWAPIN_ADDED : SwapPc.SWAPIN_READ);
    }

    /**
     * mem_cgroup_swapin_uncharge_swap (cgroup v1): the folio's charge covers memory+swap now, so
     * the slot's record is cleared and its memsw charge and reference dropped.
     */
    public void SwapinUnchargeSwap() {
        cpu.requirePc("SwapinUnchargeSwap", SwapPc.SWAPIN_ADDED);
        SwapDevice dev = mm.swap();
        MemCgroup r = dev.locked(() -> {
            MemCgroup rec = dev.recordLocked(state.slot);
            dev.setRecord(state.slot, null);
            return rec;
        });
        MemcontrolV1.unchargeSwap(r);
        cpu.setPc(SwapPc.SWAPIN_READ);
    }

    /**
     * end_swap_bio_read: the read completes and unlocks the folio (folio_unlock), now an uptodate
     * swap-cache folio any path can find and lock. The fault keeps its reference and relocks the
     * folio to map it ({@link #SwapinMap}).
     */
    public void EndSwapRead() {
        cpu.requirePc("EndSwapRead", SwapPc.SWAPIN_READ);
        cpu.held().unlock();
        cpu.setPc(SwapPc.SWAPIN_LOCK);
    }

    /**
     * The rest of do_swap_page: lock_page_or_retry (refused while another CPU holds the folio
     * lock), the check that the folio is still the swap cache's folio for our entry
     * (PageSwapCache(page) && page_private(page) == entry.val: while it was unlocked a zap and a
     * cache-only reclaim may have freed the slot), and under the pte lock that the pte still holds
     * the entry (pte_same; here: the slot is still used): map it and swap_free the entry; else
     * drop the reference (out_page). The folio is unlocked at the end. No charge here.
     *
     * @return whether the folio was mapped
     */
    public boolean SwapinMap() {
        cpu.requirePc("SwapinMap", SwapPc.SWAPIN_LOCK);
        Folio f = cpu.held();
        if (!f.trylock()) throw cpu.refuse("SwapinMap", f + " is locked");
        SwapDevice dev = mm.swap();
        boolean mapped = dev.locked(() -> {
            if (dev.cachedLocked(state.slot) != f || dev.countLocked(state.slot) == 0) return false;
            f.addMapping();
            dev.setCount(state.slot, dev.countLocked(state.slot) - 1);
            return true;
        });
        f.unlock();
        state.slot = -1;
        if (mapped) {
            cpu.setHeld(null);
            cpu.setPc(Pc.IDLE);
        } else {
            cpu.setPc(Pc.PUT);
        }
        return mapped;
    }

    /**
     * put_swap_page (swapcache_free) after a failed swap-in charge: SWAP_HAS_CACHE given back and
     * the folio unlocked; the slot is freed first if no pte holds it any more.
     */
    public void SwapcacheFree() {
        cpu.requirePc("SwapcacheFree", SwapPc.SWAPIN_NOMEM);
        SwapDevice dev = mm.swap();
        boolean dead = dev.locked(() -> {
            dev.setHasCache(state.slot, false);
            return dev.countLocked(state.slot) == 0;
        });
        cpu.held().unlock();
        state.afterDrop(state.slot, dead);
    }
}
