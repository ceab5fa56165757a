package memcgspec.impl.migrate;

import memcgspec.impl.Cpu;
import memcgspec.impl.CpuPart;
import memcgspec.impl.Folio;
import memcgspec.impl.MemCgroup;
import memcgspec.impl.Memcontrol;
import memcgspec.impl.Mm;
import memcgspec.impl.PageCache;
import memcgspec.impl.Pc;
import memcgspec.impl.SwapDevice;

/**
 * The migration protocol's steps on one CPU (spec/Migrate.tla): migration of one folio
 * (mm/migrate.c: migrate_pages -> migrate_folio_unmap, migrate_folio_move, move_to_new_folio,
 * folio_migrate_mapping, folio_migrate_flags, remove_migration_ptes; the undo paths), with its
 * memcg hook mem_cgroup_migrate ({@link Memcontrol#migrate}: the charge transferred, v6.7+), and
 * page-cache replacement (mm/filemap.c replace_page_cache_folio, whose new folio
 * {@link Memcontrol#replaceFolio} force-charges).
 *
 * <p>Each public method whose name starts with an upper-case letter is ONE step and carries the
 * name of the TLA+ action it implements. A step the spec does not enable throws
 * {@link memcgspec.impl.StepRefused} and changes nothing. The CPU holds src (or the replaced
 * folio) as its {@link Cpu#held()} folio; this part keeps the second folio, dst or the
 * replacement. Whole paths for threads are in {@link MigratePaths}.
 */
public final class MigrateSteps implements CpuPart {
    private final Cpu cpu;
    private final Mm mm;
    /** dst of the migration, or the replacement folio; null when none. */
    private Folio newFolio;

    private MigrateSteps(Cpu cpu) {
        this.cpu = cpu;
        this.mm = cpu.mm();
    }

    /** The migration steps of CPU {@code cpu}. */
    public static MigrateSteps of(Cpu cpu) {
        return cpu.part(PART, MigrateSteps.class, MigrateSteps::new);
    }

    /** This part's key on every CPU ({@link Cpu#partKey}). */
    private static final int PART = Cpu.partKey(MigrateSteps.class);

    @Override
    public CpuPart copyFor(Cpu target) {
        MigrateSteps c = new MigrateSteps(target);
        c.newFolio = newFolio == null ? null : target.mm().folio(newFolio.id());
        return c;
    }

    public Cpu cpu() {
        return cpu;
    }

    /** dst of the migration (or the replacement folio), or null. */
    public Folio newFolio() {
        return newFolio;
    }

    /** Whether the folio is in the page cache or the swap cache (it has a mapping whose slot holds a reference). */
    private boolean inMapping(Folio f) {
        return mm.cache().contains(f) || mm.swap().slotOf(f) >= 0;
    }

    // ------------------------------------------------------------------------------------------
    // Migration
    // ------------------------------------------------------------------------------------------

    /**
     * folio_isolate_lru: a charged folio on an LRU (mapped, in the page cache or in the swap cache)
     * loses its LRU flag to this CPU, test-and-cleared so that of two isolators one wins, and gets
     * the isolation reference. No lock yet.
     */
    public void MigrateIsolate(Folio p) {
        cpu.requirePc("MigrateIsolate", Pc.IDLE);
        if (!p.tryGet()) throw cpu.refuse("MigrateIsolate", p + " is free");
        if (p.memcg() == null || (p.mapcount() == 0 && !inMapping(p))) {
            Mm.putSpeculative(p);
            throw cpu.refuse("MigrateIsolate", p + " is not a charged folio on an LRU");
        }
        if (!p.isolate()) {
            Mm.putSpeculative(p);
            throw cpu.refuse("MigrateIsolate", p + " is isolated by another CPU");
        }
        cpu.setHeld(p);
        cpu.setPc(MigratePc.MIGRATE_ISOLATED);
    }

    /**
     * migrate_folio_unmap: folio_ref_count(src) == 1, "Folio was freed from under us": the
     * isolation reference is put next (migrate_folio_done), the final put.
     */
    public void MigrateSrcFreed() {
        cpu.requirePc("MigrateSrcFreed", MigratePc.MIGRATE_ISOLATED);
        Folio p = cpu.held();
        if (p.refcount() != 1) throw cpu.refuse("MigrateSrcFreed", p + " has other references");
        p.putback();
        cpu.setPc(Pc.PUT);
    }

    /** migrate_folio_unmap: get_new_folio fails (-ENOMEM): src is put back, its isolation reference dropped next. */
    public void MigrateAllocFail() {
        cpu.requirePc("MigrateAllocFail", MigratePc.MIGRATE_ISOLATED);
        Folio p = cpu.held();
        if (p.refcount() <= 1) throw cpu.refuse("MigrateAllocFail", p + " was freed from under us: MigrateSrcFreed");
        for (Folio f : mm.folios()) if (f.isFree()) throw cpu.refuse("MigrateAllocFail", f + " is free");
        p.putback();
        cpu.setPc(Pc.PUT);
    }

    /**
     * migrate_folio_unmap: folio_lock(src) (the step is refused while another CPU holds it: the
     * kernel waits), get_new_folio takes free folio q as dst, locked (folio_trylock of a private
     * folio), and try_to_migrate turns every pte of src into a migration entry, putting each
     * pte's reference; the last one of a file folio leaves its memcg's file_mapped.
     */
    public void MigrateUnmap(Folio q) {
        cpu.requirePc("MigrateUnmap", MigratePc.MIGRATE_ISOLATED);
        Folio p = cpu.held();
        if (p.refcount() <= 1) throw cpu.refuse("MigrateUnmap", p + " was freed from under us: MigrateSrcFreed");
        if (!p.trylock()) throw cpu.refuse("MigrateUnmap", p + " is locked");
        if (!q.allocate()) {
            p.unlock();
            throw cpu.refuse("MigrateUnmap", q + " is not free");
        }
        q.setLockedNew();
        int n = p.mappingsToMigrationEntries();
        p.put(n);
        if (n > 0 && !p.anon()) Memcontrol.modMemcgPageState(p, MemCgroup.Stat.FILE_MAPPED, -1);
        newFolio = q;
        cpu.setPc(MigratePc.MIGRATE_UNMAPPED);
    }

    /**
     * move_to_new_folio -> folio_migrate_mapping, then folio_migrate_flags -> mem_cgroup_migrate.
     * A folio in the page cache or the swap cache is frozen at its expected count (the isolation
     * reference and the cache's) under the mapping's lock, its slot given to dst (which takes the
     * cache's reference), and unfrozen at 1; an anon folio outside the swap cache is only tested
     * (count 1). On success dst takes PageAnon and the charge ({@link Memcontrol#migrate}); on an
     * unexpected reference the move fails (-EAGAIN) and nothing changes but the program counter.
     *
     * @return whether the move succeeded
     */
    public boolean MigrateMove() {
        cpu.requirePc("MigrateMove", MigratePc.MIGRATE_UNMAPPED);
        Folio p = cpu.held(), q = newFolio;
        PageCache pcache = mm.cache();
        SwapDevice dev = mm.swap();
        boolean moved;
        if (pcache.contains(p)) {
            moved = pcache.locked(() -> {
                int i = indexOf(pcache, p);
                if (i < 0 || !p.freeze(2)) return false;
                q.get();
                pcache.store(i, q);
                p.unfreeze(1);
                return true;
            });
        } else if (dev.slotOf(p) >= 0) {
            moved = dev.locked(() -> {
                int s = dev.slotOfLocked(p);
                if (s < 0 || !p.freeze(2)) return false;
                q.get();
                dev.setCached(s, q);
                p.unfreeze(1);
                return true;
            });
        } else {
            moved = p.refcount() == 1;
        }
        if (!moved) {
            cpu.setPc(MigratePc.MIGRATE_FAILED);
            return false;
        }
        q.setAnonFrom(p);
        Memcontrol.migrate(p, q);
        cpu.setPc(MigratePc.MIGRATE_MOVED);
        return true;
    }

    private static int indexOf(PageCache pcache, Folio f) {
        for (int i = 0; i < pcache.size(); i++) if (pcache.slot(i) == f) return i;
        return -1;
    }

    /** remove_migration_ptes(src, t): t gets src's migration entries left as mappings (and references). */
    private static void remap(Folio src, Folio t) {
        int n = src.takeMigrationEntries();
        int before = t.addMappings(n);
        if (n > 0 && before == 0 && !t.anon()) Memcontrol.modMemcgPageState(t, MemCgroup.Stat.FILE_MAPPED, 1);
    }

    /**
     * migrate_folio_move after a successful move: remove_migration_ptes(src, dst), dst and src
     * unlocked, and migrate_folio_done(src) puts src's isolation reference (src is unowned: its
     * final put changes no counter). dst's allocation reference is this CPU's to drop next.
     */
    public void RemoveMigrationPtes() {
        cpu.requirePc("RemoveMigrationPtes", MigratePc.MIGRATE_MOVED);
        Folio p = cpu.held(), q = newFolio;
        remap(p, q);
        q.unlock();
        p.unlock();
        p.putback();
        Mm.putSpeculative(p);
        cpu.setHeld(q);
        newFolio = null;
        cpu.setPc(Pc.PUT);
    }

    /**
     * After a failed move: migrate_folio_undo_src remaps src (remove_migration_ptes(src, src)) and
     * unlocks it; migrate_folio_undo_dst unlocks dst and puts it (never charged). src's isolation
     * reference is dropped next (folio_putback_lru).
     */
    public void MigrateUndo() {
        cpu.requirePc("MigrateUndo", MigratePc.MIGRATE_FAILED);
        Folio p = cpu.held(), q = newFolio;
        remap(p, p);
        p.unlock();
        p.putback();
        q.unlock();
        Mm.putSpeculative(q);
        newFolio = null;
        cpu.setPc(Pc.PUT);
    }

    /** zap_pte_range on a migration entry of folio p: the entry goes; it held no reference. */
    public void ZapMigrationEntry(Folio p) {
        cpu.requirePc("ZapMigrationEntry", Pc.IDLE);
        if (!p.zapMigrationEntry()) throw cpu.refuse("ZapMigrationEntry", p + " has no migration entry");
    }

    // ------------------------------------------------------------------------------------------
    // Page-cache replacement
    // ------------------------------------------------------------------------------------------

    /**
     * replace_page_cache_folio's caller (fuse_try_move_page): the folio at index i, with a
     * reference, locked and unmapped (a mapped one falls back to a copy), and a new folio q,
     * allocated and locked.
     */
    public void ReplaceLock(int i, Folio q) {
        cpu.requirePc("ReplaceLock", Pc.IDLE);
        PageCache pcache = mm.cache();
        Folio p = pcache.lookup(i);
        if (p == null) throw cpu.refuse("ReplaceLock", "index " + i + " is empty");
        if (!p.tryGet()) throw cpu.refuse("ReplaceLock", p + " is free");
        if (!p.trylock()) {
            Mm.putSpeculative(p);
            throw cpu.refuse("ReplaceLock", p + " is locked");
        }
        if (pcache.lookup(i) != p || p.mapcount() != 0 || !q.allocate()) {
            p.unlock();
            Mm.putSpeculative(p);
            throw cpu.refuse("ReplaceLock", p + " left index " + i + " or is mapped, or " + q + " is not free");
        }
        q.setLockedNew();
        cpu.setHeld(p);
        newFolio = q;
        cpu.setPc(MigratePc.REPLACE_LOCKED);
    }

    /**
     * replace_page_cache_folio: folio_get(new) for the cache; mem_cgroup_replace_folio
     * force-charges it ({@link Memcontrol#replaceFolio}); under xa_lock the slot gets the new
     * folio; folio_put(old) drops the cache's reference (not the last: the caller holds one). The
     * old folio keeps its charge until its final put.
     */
    public void ReplacePageCacheFolio() {
        cpu.requirePc("ReplacePageCacheFolio", MigratePc.REPLACE_LOCKED);
        Folio p = cpu.held(), q = newFolio;
        PageCache pcache = mm.cache();
        q.get();
        Memcontrol.replaceFolio(p, q);
        pcache.locked(() -> {
            int i = indexOf(pcache, p);
            if (i < 0) throw new AssertionError("the locked folio " + p + " left the page cache");
            pcache.store(i, q);
            return null;
        });
        if (!p.putNotLast()) throw new AssertionError("the cache held the last reference of " + p);
        cpu.setPc(MigratePc.REPLACE_DONE);
    }

    /** The caller unlocks both folios and puts the new one's allocation reference; the old one is dropped next. */
    public void ReplaceUnlock() {
        cpu.requirePc("ReplaceUnlock", MigratePc.REPLACE_DONE);
        Folio p = cpu.held(), q = newFolio;
        p.unlock();
        q.unlock();
        if (!q.putNotLast()) throw new AssertionError("the cache lost its reference of " + q);
        newFolio = null;
        cpu.setPc(Pc.PUT);
    }

    @Override
    public String toString() {
        return cpu.toString();
    }
}
