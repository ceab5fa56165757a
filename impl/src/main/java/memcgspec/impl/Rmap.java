package memcgspec.impl;

/**
 * The reverse-map counts of mm/rmap.c that the memcg statistics follow: a file folio counts in its
 * memcg's file_mapped from its first mapping to its last unmapping. Whether a mapping is the first
 * or the last is decided by the one atomic operation on the mapcount ({@link Folio#firstMapping},
 * {@link Folio#removeMapping}), as the kernel decides it on page->_mapcount, so that of several
 * CPUs mapping (or unmapping) one folio at once exactly one updates the statistic.
 */
public final class Rmap {
    private Rmap() {}

    /**
     * page_add_file_rmap (today folio_add_file_rmap_ptes) for the first mapping of a folio:
     * atomic_inc_and_test(&page->_mapcount) takes it from unmapped to mapped, then (a file folio)
     * mod_memcg_page_state(page, NR_FILE_MAPPED, 1) against the folio's memcg at that moment.
     *
     * @return false (no change) when the folio was mapped already: the caller adds a further
     *     mapping instead ({@link Folio#dupMapping}), which changes no statistic
     */
    public static boolean pageAddFirstRmap(Folio folio) {
        if (!folio.firstMapping()) return false;
        if (!folio.anon()) Memcontrol.modMemcgPageState(folio, MemCgroup.Stat.FILE_MAPPED, 1);
        return true;
    }

    /**
     * page_remove_rmap (page_remove_file_rmap for a file folio, v4.5+; today folio_remove_rmap_ptes):
     * one mapping goes, and when it was the last (atomic_add_negative(-1, &page->_mapcount)) a file
     * folio leaves its memcg's file_mapped (mod_memcg_page_state(page, NR_FILE_MAPPED, -1)).
     *
     * @return the mapcount left, or -1 (no change) when the folio was not mapped
     */
    public static int pageRemoveRmap(Folio folio) {
        int left = folio.removeMapping();
        if (left == 0 && !folio.anon()) Memcontrol.modMemcgPageState(folio, MemCgroup.Stat.FILE_MAPPED, -1);
        return left;
    }
}
