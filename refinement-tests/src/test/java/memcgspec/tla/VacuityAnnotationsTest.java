package memcgspec.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import memcgspec.tla.VacuityAnnotations.UnusedAction;
import memcgspec.tla.VacuityAnnotations.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parser of vacuity annotations: what it accepts, and that it rejects every malformed line with file and line. */
class VacuityAnnotationsTest {

    static VacuityAnnotations parse(String... lines) {
        return VacuityAnnotations.parse("M.cfg", List.of(lines));
    }

    static String rejected(String... lines) {
        return assertThrows(UserError.class, () -> parse(lines)).getMessage();
    }

    @Test
    void readsBothKindsAndIgnoresTheRestOfTheCfg() {
        VacuityAnnotations a = parse(
                "\\* M.cfg: a model.",
                "\\* vacuity: unused-action DeleteFromCache -- the page cache is covered by Charge.cfg",
                "CONSTANTS",
                "    Indexes = {}",
                "  \\*   vacuity:   window NoLeakAtQuiescence Quiescent 10",
                "\\*vacuity: window Other Quiescent 12 -- a note on it",
                "\\* vacuity:unused-action AllocCache --Indexes = {}",
                "(* vacuity: window X Y 1 *)",
                "\\* a vacuity gate is mentioned mid-comment: not an annotation",
                "INVARIANT NoLeakAtQuiescence");
        assertEquals(List.of(new UnusedAction("DeleteFromCache", "the page cache is covered by Charge.cfg", 2),
                new UnusedAction("AllocCache", "Indexes = {}", 7)), a.unusedActions());
        assertEquals(List.of(new Window("NoLeakAtQuiescence", "Quiescent", 10, 5),
                new Window("Other", "Quiescent", 12, 6)), a.windows());
        assertEquals("M.cfg:5", a.at(5));
    }

    @Test
    void aCfgWithoutAnnotationsHasNone() {
        VacuityAnnotations a = parse("CONSTANTS N = 2", "SPECIFICATION Spec", "\\* an ordinary comment");
        assertTrue(a.isEmpty());
    }

    @Test
    void rejectsAMissingOrEmptyReason() {
        String m = rejected("\\* vacuity: unused-action Burst");
        assertTrue(m.startsWith("M.cfg:1: malformed vacuity annotation: expected 'unused-action <Action> -- <reason>'"), m);
        assertTrue(rejected("\\* vacuity: unused-action Burst --   ").contains("needs a reason after '--'"));
        assertTrue(rejected("\\* vacuity: unused-action Burst Bang -- why").contains("expected 'unused-action"));
        assertTrue(rejected("\\* vacuity: unused-action -- why").contains("expected 'unused-action"));
    }

    @Test
    void rejectsAMalformedWindow() {
        assertTrue(rejected("\\* vacuity: window NoLeak Quiescent").contains("expected 'window <Property> <Operator> <min states>'"));
        assertTrue(rejected("\\* vacuity: window NoLeak 10").contains("expected 'window"));
        assertTrue(rejected("\\* vacuity: window NoLeak Quiescent ten").contains("expected 'window"));
        assertTrue(rejected("\\* vacuity: window NoLeak Quiescent 10%").contains("expected 'window"));
        assertTrue(rejected("\\* vacuity: window NoLeak Quiescent -3").contains("expected 'window"));
        assertTrue(rejected("\\* vacuity: window NoLeak Quiescent(c) 10").contains("expected 'window"));
        assertTrue(rejected("\\* vacuity: window NoLeak Quiescent 10 extra").contains("expected 'window"));
        assertTrue(rejected("\\* vacuity: window NoLeak Quiescent 99999999999").contains("too large"));
    }

    @Test
    void rejectsAThresholdBelowTheFloor() {
        String m = rejected("\\* vacuity: window NoLeak Quiescent 9");
        assertTrue(m.contains("threshold 9 is below the floor of " + VacuityAnnotations.MIN_WINDOW_STATES), m);
        assertTrue(rejected("\\* vacuity: window NoLeak Quiescent 0").contains("below the floor"));
    }

    @Test
    void rejectsMisspeltAndMisplacedAnnotations() {
        assertTrue(rejected("\\* vacuity unused-action A -- why").contains("expected 'vacuity:'"));
        assertTrue(rejected("\\* vacuity: unused A -- why").contains("unknown annotation 'unused'"));
        assertTrue(rejected("\\* vacuity: Window P Q 10").contains("unknown annotation 'Window'"));
        assertTrue(rejected("\\* vacuity:").contains("unknown annotation nothing"));
        String m = rejected("CONSTANTS", "INVARIANT Inv \\* vacuity: window Inv Q 10");
        assertTrue(m.startsWith("M.cfg:2: malformed vacuity annotation: an annotation takes a whole line"), m);
    }

    @Test
    void rejectsRepeats() {
        String m = rejected("\\* vacuity: unused-action A -- one", "", "\\* vacuity: unused-action A -- two");
        assertTrue(m.startsWith("M.cfg:3:") && m.contains("repeats line 1"), m);
        assertTrue(rejected("\\* vacuity: window P Q 10", "\\* vacuity: window P Q 20").contains("repeats line 1"));
        // The same property with another antecedent is no repeat.
        assertEquals(2, parse("\\* vacuity: window P Q 10", "\\* vacuity: window P R 10").windows().size());
    }

    @Test
    void readsAFileAndNamesItInMessages(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("M.cfg");
        Files.writeString(cfg, "\\* vacuity: window P Q 10\n\\* vacuity: window P\n");
        String m = assertThrows(UserError.class, () -> VacuityAnnotations.read(cfg)).getMessage();
        assertTrue(m.startsWith(cfg + ":2: malformed vacuity annotation"), m);
        assertTrue(assertThrows(UserError.class, () -> VacuityAnnotations.read(dir.resolve("none.cfg")))
                .getMessage().startsWith("configuration file not found"));
        Files.writeString(cfg, "\\* vacuity: window P Q 10\n");
        assertEquals(List.of(new Window("P", "Q", 10, 1)), VacuityAnnotations.read(cfg).windows());
    }
}
