package memcgspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import memcgspec.registry.Protocols;
import memcgspec.tla.Expectation;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.TlcResult;
import memcgspec.tla.TlcRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invariants and the refinements of the protocols' specs have teeth: each mutant of the
 * registry ({@link memcgspec.protocol.Protocol#mutants()}) reintroduces a plausible protocol bug into
 * a copy of one spec, and TLC must report the named invariant (or the refinement property)
 * violated. A mutant that still "holds" means a check that cannot fail.
 */
class SpecMutationTest {

    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> everyMutantIsCaught() {
        return Protocols.ALL.stream().flatMap(p -> p.mutants().stream()).map(mu -> DynamicTest.dynamicTest(mu.name(), () -> {
            Path dir = Files.createDirectories(tmp.resolve(mu.name()));
            Path spec = SpecRoot.specDir();
            for (String f : new String[] {"PageCounter.tla", "MemcgAccounting.tla", "Charge.tla", "Swap.tla"}) {
                Files.copy(spec.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            String mod = mu.module();
            String text = Files.readString(spec.resolve(mod + ".tla"));
            assertTrue(text.contains(mu.from()), "mutation point not found in " + mod + ".tla: " + mu.name());
            Files.writeString(dir.resolve(mod + ".tla"), text.replace(mu.from(), mu.to()));
            String cfg = Files.readString(spec.resolve(mu.cfg()));
            // Keep the constants and the specification, check only the one invariant or property.
            String head = cfg.substring(0, cfg.indexOf("INVARIANTS"));
            Files.writeString(dir.resolve(mod + ".cfg"), head + mu.check() + "\n");
            CatalogueEntry m = new CatalogueEntry("mutant-" + mu.name(), dir.resolve(mod).toString(), dir.resolve(mod + ".cfg").toString(),
                    Expectation.violates(mu.violated()), CatalogueEntry.NOT_RECORDED, CatalogueEntry.NOT_RECORDED, "ci", "-", "mutant");
            TlcResult r = new TlcRunner().run(m, TlcRunner.Options.defaults().withWorkers(1), l -> {});
            assertTrue(r.outcome() instanceof TlcResult.Outcome.Violates, mu.name() + ": " + r.outcome() + "\n" + r.head(30));
            assertEquals(mu.violated(), ((TlcResult.Outcome.Violates) r.outcome()).name(), mu.name());
        }));
    }
}
