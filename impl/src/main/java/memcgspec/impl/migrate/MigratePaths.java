package memcgspec.impl.migrate;

import memcgspec.impl.Cpu;
import memcgspec.impl.Folio;
import memcgspec.impl.Mm;
import memcgspec.impl.Pc;
import memcgspec.impl.StepRefused;
import memcgspec.impl.charge.ChargePaths;

/**
 * The migration protocol's whole paths, for threads: migrate_pages on one folio (compaction, NUMA
 * balancing, hotplug all end there) and replace_page_cache_folio with its caller, each as the
 * sequence of {@link MigrateSteps} it is made of, on one CPU. Where the kernel waits (folio_lock
 * of a folio another path holds, get_new_folio under memory pressure) the path retries the step;
 * the CPU always ends idle.
 */
public final class MigratePaths {
    private MigratePaths() {}

    /** What {@link #migrateFolio} did. */
    public enum MigrateResult {
        /** Not on an LRU (free, uncharged, isolated by another CPU, not mapped nor cached): nothing done. */
        SKIPPED,
        /** Every other user let go while the folio was isolated: its final put freed it. */
        SRC_FREED,
        /** No free folio for dst: put back. */
        NO_MEMORY,
        /** Moved to a new folio: the charge went with it. */
        MIGRATED,
        /** An unexpected reference failed the move: src remapped and put back. */
        FAILED
    }

    /**
     * migrate_pages on folio f (MIGRATE_SYNC): MigrateIsolate; MigrateSrcFreed, MigrateAllocFail or
     * MigrateUnmap (waiting for src's lock); MigrateMove; RemoveMigrationPtes or MigrateUndo; then
     * the put of the reference left (dst's allocation, or src's isolation).
     */
    public static MigrateResult migrateFolio(Cpu cpu, Folio f) {
        cpu.requirePc("migrateFolio", Pc.IDLE);
        MigrateSteps steps = MigrateSteps.of(cpu);
        Mm mm = cpu.mm();
        try {
            steps.MigrateIsolate(f);
        } catch (StepRefused notOnLru) {
            return MigrateResult.SKIPPED;
        }
        for (int spin = 0;; spin++) {
            if (cpu.held().refcount() == 1) {
                try {
                    steps.MigrateSrcFreed();
                    ChargePaths.put(cpu);
                    return MigrateResult.SRC_FREED;
                } catch (StepRefused referencedAgain) {
                    continue;
                }
            }
            Folio dst = mm.findFree(cpu.id() * 31 + spin);
            if (dst == null) {
                try {
                    steps.MigrateAllocFail();
                    ChargePaths.put(cpu);
                    return MigrateResult.NO_MEMORY;
                } catch (StepRefused freedMeanwhile) {
                    continue;
                }
            }
            try {
                steps.MigrateUnmap(dst);
                break;
            } catch (StepRefused lockedOrTaken) {
                Thread.onSpinWait(); // folio_lock waits for src's holder; dst may have been taken
            }
        }
        if (steps.MigrateMove()) {
            steps.RemoveMigrationPtes();
            ChargePaths.put(cpu);
            return MigrateResult.MIGRATED;
        }
        steps.MigrateUndo();
        ChargePaths.put(cpu);
        return MigrateResult.FAILED;
    }

    /**
     * fuse_try_move_page's use of replace_page_cache_folio at index i: ReplaceLock (the cached,
     * unmapped folio and a new one), ReplacePageCacheFolio (the new one force-charged and in the
     * cache), ReplaceUnlock, and the put of the old folio, whose final put uncharges it.
     *
     * @return whether the folio was replaced (false: no unlocked, unmapped folio at i, or no free folio)
     */
    public static boolean replacePageCache(Cpu cpu, int i) {
        cpu.requirePc("replacePageCache", Pc.IDLE);
        MigrateSteps steps = MigrateSteps.of(cpu);
        Folio q = cpu.mm().findFree(cpu.id() * 17 + i);
        if (q == null) return false;
        try {
            steps.ReplaceLock(i, q);
        } catch (StepRefused busy) {
            return false;
        }
        steps.ReplacePageCacheFolio();
        steps.ReplaceUnlock();
        ChargePaths.put(cpu);
        return true;
    }

    /** zap_pte_range over a migration entry of folio f (exit, munmap): whether there was one to zap. */
    public static boolean zapMigrationEntry(Cpu cpu, Folio f) {
        cpu.requirePc("zapMigrationEntry", Pc.IDLE);
        try {
            MigrateSteps.of(cpu).ZapMigrationEntry(f);
            return true;
        } catch (StepRefused none) {
            return false;
        }
    }
}
