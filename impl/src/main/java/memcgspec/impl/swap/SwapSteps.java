package memcgspec.impl.swap;

import memcgspec.impl.Accounting;
import memcgspec.impl.Cpu;
import memcgspec.impl.CpuPart;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Memcontrol;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import memcgspec.impl.SwapDevice;

/**
 * The swap protocol's steps on one CPU (spec/Swap.tla): reclaim's swap-out (mm/vmscan.c,
 * mm/swap_state.c) and the freeing of swap entries, swap-cache folios and slots
 * (mm/swapfile.c), with their memcg hooks (mem_cgroup_try_charge_swap and mem_cgroup_swapout,
 * mem_cgroup_uncharge_swap) taken from the machine's {@link Accounting} mode. The swap-in
 * fault's steps (mm/memory.c do_swap_page) are {@link SwapinSteps}, on the same per-CPU state.
 *
 * <p>Each public method whose name starts with an upper-case letter is ONE step and carries the
 * name of the TLA+ action it implements. A step the spec does not enable throws
 * {@link StepRefused} and changes nothing. Every step takes the swap device's lock once, for the
 * critical section the spec makes atomic ({@link SwapDevice#locked}). The charge protocol's
 * steps, which Swap.tla reuses, are in {@link memcgspec.impl.charge.ChargeSteps}; memcg offline
 * and free are {@link Mm#Offline} and {@link Mm#Free}; whole paths for threads are in
 * {@link SwapPaths}.
 *
 * <p>This is the CPU's swap part: besides the core fields of {@link Cpu} it keeps the swap slot
 * the CPU works on.
 */
public final class SwapSteps implements CpuPart {
    private final Cpu cpu;
    private final Mm mm;
    /** The swap slot this CPU works on, or -1 (the swap-in steps, {@link SwapinSteps}, share it). */
    int slot = -1;
    /** This CPU's swap-in steps, made at first use (they hold no state but this part and the CPU). */
    private SwapinSteps swapin;

    private SwapSteps(Cpu cpu) {
        this.cpu = cpu;
        this.mm = cpu.mm();
    }

    /** The swap steps of CPU {@code cpu}. */
    public static SwapSteps of(Cpu cpu) {
        return cpu.part(PART, SwapSteps.class, SwapSteps::new);
    }

    /** This part's key on every CPU ({@link Cpu#partKey}). */
    private static final int PART = Cpu.partKey(SwapSteps.class);

    @Override
    public CpuPart copyFor(Cpu target) {
        SwapSteps c = new SwapSteps(target);
        c.slot = slot;
        return c;
    }

    public Cpu cpu() {
        return cpu;
    }

    /** The swap-in steps of this CPU: one object per part, so a step's look-up allocates nothing. */
    SwapinSteps swapin() {
        SwapinSteps s = swapin;
        if (s == null) swapin = s = new SwapinSteps(this);
        return s;
    }

    /** The swap slot this CPU works on, or -1. */
    public int slot() {
        return slot;
    }

    /** Where a CPU goes after dropping a use of slot s: free it if it is dead, else put or idle. */
    void afterDrop(int s, boolean dead) {
        if (dead) {
            slot = s;
            cpu.setPc(SwapPc.SLOT_FREE);
        } else {
            slot = -1;
            cpu.setPc(cpu.held() != null ? Pc.PUT : Pc.IDLE);
        }
    }

    /**
     * isolate_lru_pages + trylock_page (shrink_page_list): reclaim takes a charged anon folio (mapped,
     * or in the swap cache; not a page-cache folio) with an isolation reference and its lock.
     */
    public void Reclaim(Folio p) {
        cpu.requirePc("Reclaim", Pc.IDLE);
        if (!p.tryGet()) throw cpu.refuse("Reclaim", p + " is free");
        // Only a folio on an LRU may be locked here: one that is charged (a folio joins an LRU
        // after its charge). A new folio (a swap-in's, a page-cache insertion's) is locked with a
        // plain store, __folio_set_locked, before it is charged: a trylock and unlock of ours in
        // between would take that lock away from its owner. So test first, lock next, test again.
        if (p.memcg() == null) {
            Mm.putSpeculative(p);
            throw cpu.refuse("Reclaim", p + " is not a charged anon folio on an LRU");
        }
        // isolate_lru_pages: of two isolators (reclaim, migration) one wins the LRU flag.
        if (!p.isolate()) {
            Mm.putSpeculative(p);
            throw cpu.refuse("Reclaim", p + " is isolated by another CPU");
        }
        if (!p.trylock()) {
            p.putback();
            Mm.putSpeculative(p);
            throw cpu.refuse("Reclaim", p + " is locked");
        }
        int s = mm.swap().slotOf(p);
        if (p.memcg() == null || !p.anon() || (p.mapcount() == 0 && s < 0)) {
            p.unlock();
            p.putback();
            Mm.putSpeculative(p);
            throw cpu.refuse("Reclaim", p + " is not a charged anon folio on an LRU");
        }
        cpu.setHeld(p);
        slot = s;
        cpu.setPc(SwapPc.RECLAIM);
    }

    /**
     * add_to_swap: allocate free slot s (SWAP_HAS_CACHE, count 0) and add the locked folio to the
     * swap cache, which takes a reference. On cgroup v2 mem_cgroup_try_charge_swap records the
     * slot to the folio's memcg or its nearest online ancestor and charges its swap counter; when
     * swap.max forbids it, nothing changes on the device and reclaim puts the folio back, unlocked.
     *
     * @return whether the folio entered the swap cache
     */
    public boolean AddToSwap(int s) {
        cpu.requirePc("AddToSwap", SwapPc.RECLAIM);
        SwapDevice dev = mm.swap();
        Folio f = cpu.held();
        return dev.locked(() -> {
            if (dev.slotOfLocked(f) >= 0) throw cpu.refuse("AddToSwap", f + " is in the swap cache already");
            if (dev.allocatedLocked(s)) throw cpu.refuse("AddToSwap", "slot " + s + " is in use");
            Accounting.SwapCharge charge = mm.accounting().tryChargeSwap(f);
            if (!charge.ok()) {
                f.unlock();
                f.putback();
                cpu.setPc(Pc.PUT);
                return false;
            }
            dev.setAllocated(s, true);
            dev.setHasCache(s, true);
            dev.setCached(s, f);
            dev.setRecord(s, charge.record());
            f.get();
            Memcontrol.modMemcgPageState(f, MemCgroup.Stat.SWAPCACHED, 1);
            slot = s;
            return true;
        });
    }

    /**
     * try_to_unmap_one: one pte of the folio becomes its swap entry (swap_duplicate), and the
     * mapping's reference is dropped (the swap cache holds one, so it is not the last).
     */
    public void TryToUnmap() {
        cpu.requirePc("TryToUnmap", SwapPc.RECLAIM);
        if (slot < 0) throw cpu.refuse("TryToUnmap", cpu.held() + " has no slot");
        SwapDevice dev = mm.swap();
        dev.locked(() -> {
            if (!cpu.held().dropMapping()) throw cpu.refuse("TryToUnmap", cpu.held() + " is not mapped");
            dev.setCount(slot, dev.countLocked(slot) + 1);
        });
        if (!cpu.held().putNotLast()) throw new AssertionError("the mapping's reference was the last of a swap-cache folio: " + cpu.held());
    }

    /**
     * __remove_mapping on a swap-cache folio: page_ref_freeze(2) succeeds only with exactly the
     * swap cache's and the reclaimer's references and no mapping, and sets the count to 0: from
     * now on nobody can take a reference. Then __delete_from_swap_cache (out of swapcached, against
     * the folio's memcg before mem_cgroup_swapout clears it); mem_cgroup_swapout (v1: record the
     * slot to mem_cgroup_id_get_online(owner), uncharge the folio's memory and leave its memsw
     * charge to the slot; v2 recorded at allocation); put_swap_page clears SWAP_HAS_CACHE, which
     * kills the slot when no pte holds it. The folio is unlocked and stays on reclaim's free list,
     * frozen, for {@link #UnchargeList} (after {@link #SwapSlotFree} when the slot died).
     */
    public void SwapOut() {
        cpu.requirePc("SwapOut", SwapPc.RECLAIM);
        if (slot < 0) throw cpu.refuse("SwapOut", cpu.held() + " has no slot");
        SwapDevice dev = mm.swap();
        Folio f = cpu.held();
        boolean dead = dev.locked(() -> {
            if (f.mapcount() != 0) throw cpu.refuse("SwapOut", f + " is mapped");
            if (!f.freeze(2)) throw cpu.refuse("SwapOut", f + " has other references (freeze fails)");
            dev.setCached(slot, null);
            Memcontrol.modMemcgPageState(f, MemCgroup.Stat.SWAPCACHED, -1);
            dev.setRecord(slot, mm.accounting().swapout(f, dev.recordLocked(slot)));
            dev.setHasCache(slot, false);
            return dev.countLocked(slot) == 0;
        });
        f.unlock();
        f.putback();
        if (dead) {
            cpu.setPc(SwapPc.SWAPOUT_SLOT_FREE);
        } else {
            slot = -1;
            cpu.setPc(SwapPc.RECLAIM_FREED);
        }
    }

    /**
     * The end of shrink_page_list: mem_cgroup_uncharge_list on the freed folios (on v2 the frozen
     * folio's memory charge is given back now; on v1 mem_cgroup_swapout took it already), then
     * free_unref_page_list: the folio goes back to the allocator.
     */
    public void UnchargeList() {
        cpu.requirePc("UnchargeList", SwapPc.RECLAIM_FREED);
        Folio f = cpu.held();
        Memcontrol.uncharge(f);
        f.release();
        cpu.setHeld(null);
        cpu.setPc(Pc.IDLE);
    }

    /**
     * shrink_page_list gives up (keep_locked / activate_locked): swap is full for a folio not in
     * the swap cache, or the freeze of an unmapped swap-cache folio fails. The folio is unlocked;
     * the isolation reference is dropped next.
     */
    public void ReclaimAbort() {
        cpu.requirePc("ReclaimAbort", SwapPc.RECLAIM);
        SwapDevice dev = mm.swap();
        Folio f = cpu.held();
        dev.locked(() -> {
            boolean inSwap = dev.slotOfLocked(f) >= 0;
            boolean full = !inSwap && dev.freeSlotLocked() < 0;
            boolean frozenOut = inSwap && f.mapcount() == 0 && f.refcount() != 2;
            if (!full && !frozenOut) throw cpu.refuse("ReclaimAbort", "reclaim of " + f + " can go on");
        });
        cpu.held().unlock();
        cpu.held().putback();
        slot = -1;
        cpu.setPc(Pc.PUT);
    }

    /**
     * free_swap_and_cache from zap_pte_range on a swap pte: one count of slot s dropped; if that was
     * the last use (no SWAP_HAS_CACHE), this CPU frees the slot next.
     */
    public void FreeSwapAndCache(int s) {
        cpu.requirePc("FreeSwapAndCache", Pc.IDLE);
        SwapDevice dev = mm.swap();
        boolean dead = dev.locked(() -> {
            int c = dev.countLocked(s);
            if (c == 0) throw cpu.refuse("FreeSwapAndCache", "no pte holds slot " + s);
            dev.setCount(s, c - 1);
            return dev.deadLocked(s);
        });
        afterDrop(s, dead);
    }

    /**
     * try_to_free_swap / delete_from_swap_cache: a swap-cache folio whose slot no pte holds leaves
     * the swap cache, under its lock (trylock), and put_swap_page clears SWAP_HAS_CACHE, killing
     * the slot; the cache's reference is this CPU's to drop after it frees the slot. The folio keeps
     * its charge.
     */
    public void DeleteFromSwapCache(int s) {
        cpu.requirePc("DeleteFromSwapCache", Pc.IDLE);
        SwapDevice dev = mm.swap();
        Folio f = dev.locked(() -> {
            Folio g = dev.cachedLocked(s);
            if (g == null) throw cpu.refuse("DeleteFromSwapCache", "slot " + s + " has no swap-cache folio");
            if (dev.countLocked(s) != 0) throw cpu.refuse("DeleteFromSwapCache", "a pte holds slot " + s);
            if (!g.trylock()) throw cpu.refuse("DeleteFromSwapCache", g + " is locked");
            dev.setCached(s, null);
            Memcontrol.modMemcgPageState(g, MemCgroup.Stat.SWAPCACHED, -1);
            dev.setHasCache(s, false);
            g.unlock();
            return g;
        });
        cpu.setHeld(f);
        slot = s;
        cpu.setPc(SwapPc.SLOT_FREE);
    }

    /**
     * swap_entry_free: the dead slot is freed: mem_cgroup_uncharge_swap clears its record,
     * uncharges the recorded memcg (swap on v2, memsw on v1) and drops the record's id reference.
     * The CPU goes on with the folio it holds: a folio frozen by SwapOut to {@link #UnchargeList},
     * another to its put.
     */
    public void SwapSlotFree() {
        cpu.requirePc("SwapSlotFree", SwapPc.SLOT_FREE, SwapPc.SWAPOUT_SLOT_FREE);
        SwapDevice dev = mm.swap();
        MemCgroup r = dev.locked(() -> {
            if (!dev.deadLocked(slot)) throw new AssertionError("freeing slot " + slot + " which is in use");
            MemCgroup rec = dev.recordLocked(slot);
            dev.setRecord(slot, null);
            dev.setAllocated(slot, false);
            return rec;
        });
        mm.accounting().unchargeSwap(r);
        slot = -1;
        cpu.setPc(cpu.pc() == SwapPc.SWAPOUT_SLOT_FREE ? SwapPc.RECLAIM_FREED : cpu.held() != null ? Pc.PUT : Pc.IDLE);
    }

    @Override
    public String toString() {
        return cpu.toString();
    }
}
