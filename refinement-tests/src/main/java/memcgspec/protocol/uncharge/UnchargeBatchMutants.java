package memcgspec.protocol.uncharge;

import java.util.List;
import memcgspec.protocol.Protocol.Mutant;

/**
 * The mutants of UnchargeBatch.tla: the use after free of v5.9-rc1 (1a3e1f40962c's gather without a
 * css reference, fixed by f1796544a0ca) re-introduced into today's gather, and plausible bugs of the
 * batched uncharge (uncharge_folio / uncharge_batch / __mem_cgroup_uncharge_folios /
 * folios_put_refs), each with the exact set of the checks of UnchargeBatch.cfg's mutation twin
 * UnchargeBatch_mutants.cfg that it violates.
 * docs/mutants.md is their table (SpecMutationTest pins both).
 */
final class UnchargeBatchMutants {
    private UnchargeBatchMutants() {}

    /** UnchargeBatch.cfg's mutation twin. */
    private static final String UM = "UnchargeBatch_mutants.cfg";

    private static Mutant.Builder mutant(String name) {
        return Mutant.of("UnchargeBatch", name);
    }

    static final List<Mutant> ALL = List.of(
            mutant("gather-without-css-get")
                    .reintroduces("f1796544a0ca (v5.9-rc2, Michal Hocko, \"memcg: fix use-after-free in uncharge_batch\"): 1a3e1f40962c (v5.9-rc1) put each page's css reference in uncharge_page and dropped uncharge_batch's css_put_many, with no reference for the gather; syzbot's KASAN use-after-free Write in page_counter_uncharge from uncharge_batch")
                    .kernel("uncharge_folio (css_get(&memcg->css): \"pairs with css_put in uncharge_batch\")")
                    .bug("the gather takes no css reference of its own: the last folio's css_put frees an offline memcg whose pages are still gathered, and uncharge_batch writes its counters")
                    .edit("                     /\\ css' = Put(IF ugMemcg[c] = NoMemcg THEN Get(css, m) ELSE css, m)",
                            "                     /\\ css' = Put(css, m)")
                    .edit("          /\\ css' = Put(css, m)\n    /\\ ugMemcg' = [ugMemcg EXCEPT ![c] = NoMemcg]",
                            "          /\\ css' = css\n    /\\ ugMemcg' = [ugMemcg EXCEPT ![c] = NoMemcg]")
                    .on(UM, "NoCounterWriteAfterFree", "CssRefBalance", "NothingFreedReferenced", "GatherPinsDying")
                    .build(),
            mutant("gather-switch-without-flush")
                    .kernel("uncharge_folio (if (ug->memcg != memcg) { if (ug->memcg) { uncharge_batch(ug); uncharge_gather_clear(ug); } ... })")
                    .bug("a folio of another memcg joins the gather without flushing it: the gather takes the new memcg, and the pages gathered so far are later uncharged from it")
                    .edit("       IN /\\ ugMemcg[c] \\in {NoMemcg, m} \\/ m = NoMemcg", "       IN /\\ TRUE")
                    .on(UM, "TypeOK", "Conservation", "NoCounterWriteAfterFree", "CssRefBalance", "NothingFreedReferenced", "NoUnderflow", "Hierarchy", "GatherPinsDying", "Refinement")
                    .build(),
            mutant("batch-forgets-nr")
                    .kernel("uncharge_batch (if (ug->nr_memory) memcg_uncharge(ug->memcg, ug->nr_memory))")
                    .bug("uncharge_batch puts the gather's reference but never uncharges the pages it gathered: they stay on the counters")
                    .edit("          /\\ usage' = IF ugNr[c] > 0 THEN PC!Uncharge(usage, m, ugNr[c]) ELSE usage", "          /\\ usage' = usage")
                    .on(UM, "Conservation", "Refinement")
                    .build(),
            mutant("folio-without-css-put")
                    .kernel("uncharge_folio (css_put(&memcg->css): the folio's own reference)")
                    .bug("uncharge_folio clears folio->memcg_data but does not put the folio's css reference: the memcg is never freed")
                    .edit("                     /\\ css' = Put(IF ugMemcg[c] = NoMemcg THEN Get(css, m) ELSE css, m)",
                            "                     /\\ css' = IF ugMemcg[c] = NoMemcg THEN Get(css, m) ELSE css")
                    .on(UM, "CssRefBalance")
                    .build(),
            mutant("no-final-uncharge-batch")
                    .kernel("__mem_cgroup_uncharge_folios (if (ug.memcg) uncharge_batch(&ug) after the loop)")
                    .bug("the gather left over after the last folio is not flushed before free_unref_folios: its pages stay on the counters and its reference pins the memcg until the CPU's next batch")
                    .edit("    /\\ dead[c] = <<>>\n    /\\ ugMemcg[c] = NoMemcg\n    /\\ pc' = [pc EXCEPT ![c] = \"idle\"]",
                            "    /\\ dead[c] = <<>>\n    /\\ pc' = [pc EXCEPT ![c] = \"idle\"]")
                    .on(UM, "NothingGatheredAtQuiescence")
                    .build(),
            mutant("free-before-uncharge")
                    .kernel("folios_put_refs (mem_cgroup_uncharge_folios(folios) before free_unref_folios(folios))")
                    .bug("the dead folios go back to the page allocator before they are uncharged: a folio still charged is allocated again, and its old charge is uncharged from the new user's page")
                    .edit("InUse(p) == \\E c \\in CPUs : p \\in Range(held[c]) \\cup Range(dead[c]) \\cup gone[c]",
                            "InUse(p) == \\E c \\in CPUs : p \\in Range(held[c]) \\cup gone[c]")
                    .on(UM, "Refinement")
                    .build());
}
