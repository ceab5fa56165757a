package memcgspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.TlcRunner;

/** {@link CatalogueTlcTest#runAll} on a temporary catalogue over the toy specs. */
class CatalogueTlcToyTest {

    @Test
    void oneTestPerCiModelPassingOnlyWhenTheOutcomeIsAsExpected(@TempDir Path tmp) throws Throwable {
        Path toy = Path.of(getClass().getResource("/toy/catalogue").toURI()).getParent();
        Path file = Files.write(tmp.resolve("catalogue"), List.of(
                "# name     | spec    | cfg             | expect             | states | depth | size | commit | description",
                "toy-ok      | Counter | Counter_bad.cfg | violates AtMostOne | -      | -     | ci   | -      | expected violation",
                "toy-wrong   | Counter | Counter_bad.cfg | holds              | -      | -     | ci   | -      | wrong expectation",
                "toy-figures | Counter | Counter.cfg     | holds              | 0      | 0     | ci   | -      | wrong figures",
                "toy-deep    | Endless | Endless.cfg     | holds              | -      | -     | deep | -      | not run: deep"));
        List<DynamicTest> tests = CatalogueTlcTest.runAll(Catalogue.load(toy, file), new TlcRunner(toy, SpecRoot.targetDir())).toList();
        assertEquals(List.of("toy-ok (Counter, Counter_bad.cfg: violates AtMostOne)", "toy-wrong (Counter, Counter_bad.cfg: holds)",
                "toy-figures (Counter, Counter.cfg: holds)"),
                tests.stream().map(DynamicTest::getDisplayName).toList());

        tests.get(0).getExecutable().execute();
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> tests.get(1).getExecutable().execute());
        String msg = e.getMessage();
        assertTrue(msg.startsWith("model toy-wrong: expected holds, got violates AtMostOne (exit 12, "), msg);
        assertTrue(msg.contains("trace: 1:Initial predicate -> 2:TryCharge -> 3:TryCharge"), msg);
        assertTrue(msg.contains("Invariant AtMostOne is violated."), msg);

        // The outcome is as expected, the figures are not: the failure names both and says what to update.
        AssertionFailedError f = assertThrows(AssertionFailedError.class, () -> tests.get(2).getExecutable().execute());
        String fmsg = f.getMessage();
        assertTrue(fmsg.startsWith("model toy-figures: TLC's figures differ from spec/catalogue: distinct states "), fmsg);
        assertTrue(fmsg.contains(" (catalogue: 0), depth ") && fmsg.contains("update the states and depth columns of toy-figures in spec/catalogue"), fmsg);
    }

    @Test
    void theToyCatalogueLists4CiModels() throws Exception {
        Path toy = Path.of(getClass().getResource("/toy/catalogue").toURI()).getParent();
        Catalogue c = Catalogue.load(toy);
        assertEquals(List.of("toy-holds", "toy-violates", "toy-refine", "toy-history"), c.ci().stream().map(CatalogueEntry::name).toList());
        assertEquals("two processes charge and uncharge | a '|' in the description", c.byName("toy-holds").description());
    }
}
