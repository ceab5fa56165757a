package memcgspec.impl.swap;

import java.util.List;
import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import memcgspec.impl.SwapDevice;
import memcgspec.impl.charge.ChargePaths;
import memcgspec.impl.stock.StockPaths;

/**
 * The swap protocol's whole paths, for threads: reclaim of one anon folio (shrink_page_list),
 * the swap-in fault (do_swap_page), the zap of a swap pte (zap_pte_range, free_swap_and_cache) and
 * try_to_free_swap, each as the sequence of {@link SwapSteps} and {@link SwapinSteps} (and the charge protocol's puts) it
 * is made of. A step refused because another thread changed the state meanwhile is retried from
 * what the state is now; the CPU always ends idle.
 */
public final class SwapPaths {
    private SwapPaths() {}

    /** What {@link #reclaimAnon} did with the folio. */
    public enum ReclaimResult {
        /** Not reclaimable now (free, locked, not a charged anon folio on an LRU): nothing done. */
        SKIPPED,
        /** Swapped out: the folio left the swap cache, its ptes are swap entries of its slot. */
        SWAPPED_OUT,
        /** cgroup v2: mem_cgroup_try_charge_swap failed against swap.max; the folio stays. */
        SWAP_MAX,
        /** No free slot (swap full); the folio stays. */
        SWAP_FULL,
        /** Kept (activate_locked): the freeze failed, someone else holds a reference. */
        KEPT
    }

    /**
     * shrink_page_list on one anon folio: Reclaim (isolate and lock), AddToSwap to a free slot
     * unless the folio is in the swap cache already (ReclaimAbort when swap is full), TryToUnmap
     * until no pte maps it, then SwapOut (the refcount frozen at 0), or ReclaimAbort when the freeze
     * fails (and the put of the isolation reference); SwapSlotFree when the swap-out killed the
     * slot; finally UnchargeList, which frees the frozen folio. Steps refused
     * because another thread changed the state meanwhile are retried from what the state is now;
     * the CPU always ends idle.
     */
    public static ReclaimResult reclaimAnon(Cpu cpu, Folio f) {
        cpu.requirePc("reclaimAnon", Pc.IDLE);
        SwapSteps steps = SwapSteps.of(cpu);
        Mm mm = cpu.mm();
        try {
            steps.Reclaim(f);
        } catch (StepRefused notReclaimable) {
            return ReclaimResult.SKIPPED;
        }
        SwapDevice dev = mm.swap();
        if (steps.slot() < 0) {
            for (;;) {
                int s = dev.locked(dev::freeSlotLocked);
                if (s < 0) {
                    try {
                        steps.ReclaimAbort();
                        ChargePaths.put(cpu);
                        return ReclaimResult.SWAP_FULL;
                    } catch (StepRefused slotFreedMeanwhile) {
                        continue;
                    }
                }
                try {
                    if (!steps.AddToSwap(s)) {
                        ChargePaths.put(cpu);
                        return ReclaimResult.SWAP_MAX;
                    }
                    break;
                } catch (StepRefused slotTakenMeanwhile) {
                    // another CPU allocated s: look again
                }
            }
        }
        for (;;) {
            if (cpu.held().mapcount() > 0) {
                try {
                    steps.TryToUnmap();
                } catch (StepRefused unmappedMeanwhile) {
                    // a zap took the last pte first
                }
                continue;
            }
            try {
                steps.SwapOut();
                break;
            } catch (StepRefused frozenOut) {
                // mapped again (fork of a pte), or another reference: decide again
            }
            try {
                steps.ReclaimAbort();
                ChargePaths.put(cpu);
                return ReclaimResult.KEPT;
            } catch (StepRefused changedMeanwhile) {
                // the other reference went away: try the swap-out again
            }
        }
        if (cpu.pc() == SwapPc.SWAPOUT_SLOT_FREE) steps.SwapSlotFree();
        steps.UnchargeList();
        return ReclaimResult.SWAPPED_OUT;
    }

    /** What {@link #swapIn} did. */
    public enum SwapinResult {
        /** No pte holds the slot (any more): nothing to fault in. */
        NO_ENTRY,
        /** Mapped a folio found in the swap cache. */
        MAPPED_HIT,
        /** Read a new folio into the swap cache and mapped it. */
        MAPPED_READ,
        /** Faulted, but the entry was gone by the time the folio could be mapped (another thread mapped or zapped it). */
        LOST_RACE,
        /**
         * Read a new folio into the swap cache, but by the time the fault relocked it, other
         * faults had mapped it for every pte of the slot (or a zap took the entry).
         */
        READ_LOST_RACE,
        /** The charge failed (-ENOMEM): the folio was freed, the entry stays. */
        NOMEM,
        /** No free page frame, or the task's memcg is not online. */
        NO_PAGE
    }

    /** A free folio, scanning from a hint (racy: the step that allocates it decides). */
    private static Folio freeFolioFrom(Mm mm, int hint) {
        List<Folio> fs = mm.folios();
        for (int k = 0; k < fs.size(); k++) {
            Folio f = fs.get(Math.floorMod(hint + k, fs.size()));
            if (f.isFree()) return f;
        }
        return null;
    }

    /**
     * do_swap_page for a pte holding slot s, for a task of memcg m: SwapinHit and SwapinMap when
     * the slot has a swap-cache folio; else SwapinAlloc, SwapcachePrepare (on -EEXIST the fault
     * starts over, as the kernel's loop back to the swap-cache lookup does), SwapInCharge (on
     * failure SwapcacheFree, and SwapSlotFree if the slot died meanwhile), AddToSwapCache,
     * SwapinUnchargeSwap (v1), EndSwapRead (the read unlocks the folio), SwapinMap (relock and
     * check); the put of a folio that was not mapped. The CPU always
     * ends idle.
     */
    public static SwapinResult swapIn(Cpu cpu, int s, MemCgroup m) {
        cpu.requirePc("swapIn", Pc.IDLE);
        SwapinSteps steps = SwapinSteps.of(cpu);
        Mm mm = cpu.mm();
        Cpu.requireTaskMemcg("swapIn", m);
        SwapDevice dev = mm.swap();
        int hint = cpu.id() * 7919 + s * 31;
        for (;;) {
            if (dev.count(s) == 0) return SwapinResult.NO_ENTRY;
            boolean hit;
            try {
                steps.SwapinHit(s);
                hit = true;
            } catch (StepRefused miss) {
                hit = false;
            }
            if (hit) return relockAndMap(cpu, steps, SwapinResult.MAPPED_HIT, SwapinResult.LOST_RACE);
            if (!m.online()) return SwapinResult.NO_PAGE;
            Folio p = freeFolioFrom(mm, hint++);
            if (p == null) return SwapinResult.NO_PAGE;
            try {
                steps.SwapinAlloc(s, p, m);
            } catch (StepRefused changed) {
                continue; // entry gone, a folio entered the swap cache, p was taken, or m went offline: look again
            }
            if (!steps.SwapcachePrepare()) {
                ChargePaths.put(cpu);
                Thread.onSpinWait(); // -EEXIST: another CPU adds or removes the slot's folio; -ENOENT: the entry is gone
                continue;
            }
            boolean charged = cpu.mm().config().stock()
                    ? StockPaths.tryChargeMemcg(cpu) != StockPaths.Charged.ENOMEM  // through the per-CPU stock
                    : steps.SwapInCharge();
            if (!charged) {
                steps.SwapcacheFree();
                if (cpu.pc() == SwapPc.SLOT_FREE) SwapSteps.of(cpu).SwapSlotFree();
                ChargePaths.put(cpu);
                return SwapinResult.NOMEM;
            }
            steps.AddToSwapCache();
            if (cpu.pc() == SwapPc.SWAPIN_ADDED) steps.SwapinUnchargeSwap();
            steps.EndSwapRead();
            return relockAndMap(cpu, steps, SwapinResult.MAPPED_READ, SwapinResult.READ_LOST_RACE);
        }
    }

    /**
     * do_swap_page after the lookup or the read: lock_page_or_retry (wait while the reclaimer or
     * another path holds the lock), then SwapinMap, which maps the folio if it is still the slot's
     * swap-cache folio and a pte still holds the entry; else the put of the fault's reference.
     */
    private static SwapinResult relockAndMap(Cpu cpu, SwapinSteps steps, SwapinResult mapped, SwapinResult lost) {
        for (;;) {
            try {
                if (steps.SwapinMap()) return mapped;
                ChargePaths.put(cpu);
                return lost;
            } catch (StepRefused lockedByOther) {
                Thread.onSpinWait(); // lock_page: wait for the reclaimer or another path
            }
        }
    }

    /**
     * zap_pte_range on a swap pte of slot s: free_swap_and_cache drops one count (FreeSwapAndCache),
     * SwapSlotFree if that killed the slot; if only the swap-cache folio is left, try to free it
     * (__try_to_reclaim_swap, a trylock that may fail).
     *
     * @return false when no pte holds slot s
     */
    public static boolean zapSwap(Cpu cpu, int s) {
        cpu.requirePc("zapSwap", Pc.IDLE);
        SwapSteps steps = SwapSteps.of(cpu);
        try {
            steps.FreeSwapAndCache(s);
        } catch (StepRefused noPte) {
            return false;
        }
        if (cpu.pc() == SwapPc.SLOT_FREE) {
            steps.SwapSlotFree();
        } else {
            freeSwapCache(cpu, s);
        }
        return true;
    }

    /**
     * try_to_free_swap of slot s: DeleteFromSwapCache of a swap-cache folio no pte needs any more,
     * SwapSlotFree of the slot that killed, and the put of the cache's reference.
     *
     * @return false when the step was not enabled (no such folio, a pte holds the slot, or the folio is locked)
     */
    public static boolean freeSwapCache(Cpu cpu, int s) {
        cpu.requirePc("freeSwapCache", Pc.IDLE);
        SwapSteps steps = SwapSteps.of(cpu);
        try {
            steps.DeleteFromSwapCache(s);
        } catch (StepRefused notNow) {
            return false;
        }
        steps.SwapSlotFree();
        ChargePaths.put(cpu);
        return true;
    }
}
