package memcgspec.impl.migrate;

import memcgspec.impl.Pc;

/** The program counters of the migration protocol's paths (spec/Migrate.tla's MigratePCs and ReplacePCs). */
public enum MigratePc implements Pc {
    /** migrate_pages: src isolated from its LRU (an isolation reference), not yet locked. */
    MIGRATE_ISOLATED("migrate_isolated"),
    /** migrate_folio_unmap returned: src and dst locked, src's ptes replaced by migration entries. */
    MIGRATE_UNMAPPED("migrate_unmapped"),
    /** move_to_new_folio succeeded: dst has src's place in its mapping and src's charge. */
    MIGRATE_MOVED("migrate_moved"),
    /** move_to_new_folio failed (-EAGAIN: an unexpected reference): undo next. */
    MIGRATE_FAILED("migrate_failed"),
    /** replace_page_cache_folio's caller: the old folio (a reference, locked) and the new one locked. */
    REPLACE_LOCKED("replace_locked"),
    /** replace_page_cache_folio returned: the new folio in the cache, force-charged. */
    REPLACE_DONE("replace_done");

    private final String spec;

    MigratePc(String spec) {
        this.spec = spec;
    }

    @Override
    public String spec() {
        return spec;
    }
}
