package memcgspec.protocol.kmem;

import java.util.List;
import memcgspec.protocol.Protocol.Mutant;

/**
 * The mutants of Kmem.tla: seed 004's and eefbfa7fd678's races re-introduced into today's
 * protocol, and plausible objcg bugs, each with the exact set of its models' checks that it
 * violates, on Kmem.cfg's mutation twin Kmem_mutants.cfg (memory.max 1) or on Kmem.cfg itself.
 * docs/mutants.md is their table (SpecMutationTest pins both).
 */
final class KmemMutants {
    private KmemMutants() {}

    private static final String K = "Kmem.cfg";
    private static final String KM = "Kmem_mutants.cfg";

    private static Mutant.Builder mutant(String name) {
        return Mutant.of("Kmem", name);
    }

    static final List<Mutant> ALL = List.of(
            mutant("css-get-not-tryget")
                    .reintroduces("eefbfa7fd678 undone (v5.10): obj_cgroup_charge took css_get on the memcg read from the objcg")
                    .kernel("get_mem_cgroup_from_objcg")
                    .bug("css_get instead of css_tryget: a memcg whose last css reference is gone is brought back to 1")
                    .edit("           ok == css[m] > 0\n", "           ok == TRUE\n")
                    .on(KM, "NoCssResurrection")
                    .build());
}
