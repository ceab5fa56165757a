package memcgspec.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueTest {
    @TempDir
    Path dir;

    private Catalogue write(String... lines) throws IOException {
        Files.write(dir.resolve("catalogue"), List.of(lines));
        return Catalogue.load(dir);
    }

    private static final String HEADER = "# name | spec | cfg | expect | states | depth | size | commit | description";

    @Test
    void parsesModels() throws IOException {
        Catalogue c = write(HEADER, "",
                "charge      | Charge                  | Charge.cfg                  | holds               | 3782 | 20 | ci   | 0a31bc97c80c | current charge protocol",
                "  # an indented comment",
                "charge-deep | Charge                  | Charge_deep.cfg             | holds               | -    | -  | deep | -            | larger | with a bar",
                "swapin-2009 | history/SwapinCharge2009 | history/SwapinCharge2009.cfg | violates NoLeak    | 0    | 7  | ci   | 0123456789ab | the race");
        assertEquals(List.of("charge", "charge-deep", "swapin-2009"), c.all().stream().map(CatalogueEntry::name).toList());
        CatalogueEntry m = c.byName("swapin-2009");
        assertEquals("history/SwapinCharge2009", m.spec());
        assertEquals("SwapinCharge2009", m.moduleName());
        assertEquals(dir.resolve("history/SwapinCharge2009.tla"), m.moduleFile(dir));
        assertEquals(dir.resolve("history/SwapinCharge2009.cfg"), m.cfgFile(dir));
        assertFalse(m.expect().holds());
        assertEquals("NoLeak", m.expect().invariant());
        assertEquals("violates NoLeak", m.expect().toString());
        assertEquals("holds", c.byName("charge").expect().toString());
        assertEquals("larger | with a bar", c.byName("charge-deep").description());
        assertEquals("-", c.byName("charge-deep").commit());
        assertEquals(3782, c.byName("charge").states());
        assertEquals(20, c.byName("charge").depth());
        assertEquals(CatalogueEntry.NOT_RECORDED, c.byName("charge-deep").states());
        assertEquals(CatalogueEntry.NOT_RECORDED, c.byName("charge-deep").depth());
        assertEquals(0, m.states());
        assertEquals(7, m.depth());
        assertEquals(List.of("charge", "swapin-2009"), c.ci().stream().map(CatalogueEntry::name).toList());
        assertEquals(c.ci(), c.select(List.of(), false));
        assertEquals(List.of(c.byName("charge-deep")), c.select(List.of(), true));
        assertEquals(List.of(c.byName("charge-deep"), c.byName("charge")),
                c.select(List.of("charge-deep", "charge", "charge-deep"), false));
    }

    @Test
    void unknownModel() throws IOException {
        Catalogue c = write("charge | Charge | Charge.cfg | holds | - | - | ci | - | x");
        UserError e = assertThrows(UserError.class, () -> c.byName("nope"));
        assertEquals("unknown model 'nope' (see memcg-spec list)", e.getMessage());
        assertThrows(UserError.class, () -> c.select(List.of("charge", "nope"), false));
    }

    @Test
    void malformedLinesNameFileAndLine() throws IOException {
        String[] bad = {
            "charge | Charge | Charge.cfg | holds | - | - | ci | -",               // eight columns
            "charge | Charge | Charge.cfg | holds | ci | - | seven columns (no figures)",
            "Charge | Charge | Charge.cfg | holds | - | - | ci | - | upper-case name",
            "charge | Charge.tla | Charge.cfg | holds | - | - | ci | - | .tla given",
            "charge | Charge | Charge.txt | holds | - | - | ci | - | not a cfg",
            "charge | Charge | Charge.cfg | fails | - | - | ci | - | bad expect",
            "charge | Charge | Charge.cfg | violates | - | - | ci | - | no name",
            "charge | Charge | Charge.cfg | violates A B | - | - | ci | - | two names",
            "charge | Charge | Charge.cfg | holds | many | - | ci | - | bad states",
            "charge | Charge | Charge.cfg | holds | -1 | - | ci | - | negative states",
            "charge | Charge | Charge.cfg | holds | 3,782 | - | ci | - | states with a comma",
            "charge | Charge | Charge.cfg | holds | - | 2.5 | ci | - | bad depth",
            "charge | Charge | Charge.cfg | holds | - |  | ci | - | empty depth",
            "charge | Charge | Charge.cfg | holds | - | - | big | - | bad size",
            "charge | Charge | Charge.cfg | holds | - | - | ci | 0A31 | bad commit",
            "charge | Charge | Charge.cfg | holds | - | - | ci | - |   ",
        };
        for (String line : bad) {
            UserError e = assertThrows(UserError.class, () -> write(HEADER, line), line);
            String msg = e.getMessage();
            assertTrue(msg.startsWith(dir.resolve("catalogue") + ":2: malformed catalogue line: "), msg);
            assertFalse(msg.contains("\n"), msg);
        }
    }

    @Test
    void duplicateNames() throws IOException {
        UserError e = assertThrows(UserError.class, () -> write(
                "a | A | A.cfg | holds | - | - | ci | - | one", "# c", "a | B | B.cfg | holds | - | - | ci | - | two"));
        assertEquals(dir.resolve("catalogue") + ":3: duplicate model name 'a' (first on line 1)", e.getMessage());
    }

    @Test
    void missingCatalogue() {
        UserError e = assertThrows(UserError.class, () -> Catalogue.load(dir.resolve("none")));
        assertTrue(e.getMessage().startsWith("catalogue not found: "), e.getMessage());
    }

    @Test
    void theRealCatalogueParses() {
        Catalogue c = Catalogue.load(SpecRoot.specDir());
        assertFalse(c.all().isEmpty());
        assertTrue(c.all().stream().allMatch(m -> m.size().equals("ci") || m.size().equals("deep")));
        // Every CI model of the real catalogue records the distinct states TLC found; a deep model
        // whose spec changed may wait for a run that completes, and then says so in its description.
        assertTrue(c.ci().stream().allMatch(m -> m.states() > 0), "a CI model without states in spec/catalogue");
        for (CatalogueEntry m : c.all()) {
            if (m.states() <= 0) {
                assertEquals("deep", m.size(), m.name() + ": only a deep model may be unrecorded");
                assertTrue(m.description().contains("not recorded") || m.description().contains("NOT YET RUN"),
                        m.name() + ": an unrecorded model says so in its description");
            }
        }
    }

    @Test
    void figuresDifferNamesEachFigure() {
        CatalogueEntry m = new CatalogueEntry("a", "A", "A.cfg", Expectation.ofHolds(), 100, 9, "ci", "-", "x");
        TlcResult same = result(new TlcResult.Outcome.Holds(), 100, 9);
        assertTrue(m.figuresDiffer(same, 1).isEmpty());
        assertEquals("distinct states 101 (catalogue: 100), depth 8 (catalogue: 9)",
                m.figuresDiffer(result(new TlcResult.Outcome.Holds(), 101, 8), 1).orElseThrow());
        // More workers: a holding run's distinct states still count, its depth does not.
        assertEquals("distinct states 101 (catalogue: 100)", m.figuresDiffer(result(new TlcResult.Outcome.Holds(), 101, 8), 2).orElseThrow());
        // ... and a violation's figures depend on the workers' order.
        CatalogueEntry v = new CatalogueEntry("v", "A", "A.cfg", Expectation.violates("Inv"), 40, 5, "ci", "-", "x");
        TlcResult.Outcome viol = new TlcResult.Outcome.Violates("Inv", TlcResult.Kind.INVARIANT);
        assertEquals("distinct states 41 (catalogue: 40)", v.figuresDiffer(result(viol, 41, 5), 1).orElseThrow());
        assertTrue(v.figuresDiffer(result(viol, 41, 6), 2).isEmpty());
        // '-' is not compared.
        CatalogueEntry none = new CatalogueEntry("n", "A", "A.cfg", Expectation.ofHolds(), CatalogueEntry.NOT_RECORDED,
                CatalogueEntry.NOT_RECORDED, "ci", "-", "x");
        assertTrue(none.figuresDiffer(result(new TlcResult.Outcome.Holds(), 101, 8), 1).isEmpty());
    }

    private static TlcResult result(TlcResult.Outcome o, long distinct, int depth) {
        return new TlcResult(o, distinct, -1, depth, 1.0, 0, List.of(), "");
    }
}
