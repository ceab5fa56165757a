package memcgspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's contract: outputs, exit codes, and one-line errors (never a stack trace) on bad input. */
class MainTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        return new Run(code, out.toString(), err.toString());
    }

    /** Bad input: exit 2, exactly one line on stderr, no stack trace, nothing on stdout. */
    static void assertBadInput(Run r, String fragment) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line only: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.startsWith("memcg-spec: "), err);
        assertTrue(err.contains(fragment), "message names the problem (" + fragment + "): " + err);
        assertEquals("", r.out());
    }

    @Test
    void versionAndHelp() {
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("memcg-spec "), v.out());
        Run h = run("--help");
        assertEquals(0, h.code());
        for (String cmd : new String[] {"check", "conform", "show", "list"}) assertTrue(h.out().contains(cmd), h.out());
    }

    @Test
    void listShowsTheCatalogue() {
        Run r = run("list");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("charge") && r.out().contains("swapin-2009-prefix"), r.out());
        Run j = run("list", "--json");
        assertEquals(0, j.code());
        assertTrue(j.out().strip().startsWith("{") && j.out().contains("\"models\"") && j.out().contains("\"conformance\": true"), j.out());
    }

    @Test
    void checkRunsAModelAndReportsJson() {
        Run r = run("check", "swapin-2009-fixed", "--json");
        assertEquals(0, r.code(), r.err());
        String o = r.out();
        for (String key : new String[] {"\"models\"", "\"name\": \"swapin-2009-fixed\"", "\"expected\": \"holds\"",
                "\"outcome\": \"holds\"", "\"ok\": true", "\"distinctStates\": ", "\"expectedDistinctStates\": ",
                "\"depth\": ", "\"expectedDepth\": ", "\"figuresAsExpected\": true", "\"seconds\": ",
                "\"tlc\": {", "\"version\": \"TLC2 Version 2.18 of 20 March 2023\"", "\"source\": \"pinned\"",
                "\"figuresCounted\": true"}) {
            assertTrue(o.contains(key), "missing " + key + " in " + o);
        }
    }

    @Test
    void checkTableAndAViolationAsExpected() {
        Run r = run("check", "swapin-2009-prefix");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("violates Accounting") && r.out().contains("all 1 outcomes as expected"), r.out());
        assertTrue(r.out().startsWith("TLC: TLC2 Version 2.18 of 20 March 2023 (pinned: "), "which TLC ran: " + r.out());
    }

    @Test
    void showRendersSwimLanes() {
        Run r = run("show", "swapin-2009-prefix");
        assertEquals(0, r.code(), r.err());
        String o = r.out();
        assertTrue(o.contains("CPU A") && o.contains("CPU B"), o);
        int check = o.indexOf("SwapinCheckMapcount"), dec = o.indexOf("ZapDecMapcount"),
                unch = o.indexOf("ZapUncharge"), rmap = o.indexOf("SwapinAddRmap");
        assertTrue(check > 0 && check < dec && dec < unch && unch < rmap, "the seed's order of steps: " + o);
    }

    @Test
    void anOutcomeNotAsExpectedExitsOne(@TempDir Path dir) throws IOException {
        // An ad-hoc model is expected to hold; this one violates its invariant.
        Files.writeString(dir.resolve("Bad.tla"), "---- MODULE Bad ----\nEXTENDS Naturals\nVARIABLE x\n"
                + "Init == x = 0\nNext == x < 3 /\\ x' = x + 1\nSmall == x < 2\n====\n");
        Files.writeString(dir.resolve("Bad.cfg"), "INIT Init\nNEXT Next\nINVARIANT Small\n");
        Run r = run("check", dir.resolve("Bad.tla").toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("violates Small") && r.out().contains("NO"), r.out());
    }

    @Test
    void figuresOtherThanTheCatalogueSayExitOne(@TempDir Path root) throws IOException {
        // A project of one model that holds, whose catalogue line records figures TLC cannot report.
        Path spec = Files.createDirectories(root.resolve("spec"));
        Files.writeString(spec.resolve("Up.tla"), "---- MODULE Up ----\nEXTENDS Naturals\nVARIABLE x\n"
                + "Init == x = 0\nNext == x < 3 /\\ x' = x + 1\nSmall == x < 4\n====\n");
        Files.writeString(spec.resolve("Up.cfg"), "INIT Init\nNEXT Next\nINVARIANT Small\nCHECK_DEADLOCK FALSE\n");
        Files.writeString(spec.resolve("catalogue"), "up | Up | Up.cfg | holds | 9 | 9 | ci | - | counts to 3\n");
        String saved = System.getProperty("memcgspec.root");
        System.setProperty("memcgspec.root", root.toString());
        try {
            Run r = run("check", "up");
            assertEquals(1, r.code(), r.out() + r.err());
            String o = r.out();
            assertTrue(o.contains("holds") && o.contains("NO"), o);
            // x = 0..3: 4 distinct states, and TLC's depth counts the initial state, so 4 too.
            assertTrue(o.lines().anyMatch(l -> l.startsWith("up ") && l.contains(" 4 (expected 9)  4 (expected 9) ")),
                    "found and expected figures in the row: " + o);
            assertTrue(o.contains("figures differ from spec/catalogue: up: distinct states 4 (catalogue: 9), depth 4 (catalogue: 9)"), o);
            Run j = run("check", "up", "--json");
            assertEquals(1, j.code(), j.out() + j.err());
            for (String key : new String[] {"\"ok\": false", "\"distinctStates\": 4", "\"expectedDistinctStates\": 9",
                    "\"depth\": 4", "\"expectedDepth\": 9", "\"figuresAsExpected\": false"}) {
                assertTrue(j.out().contains(key), "missing " + key + " in " + j.out());
            }
        } finally {
            if (saved == null) System.clearProperty("memcgspec.root");
            else System.setProperty("memcgspec.root", saved);
        }
    }

    @Test
    void unknownModelIsBadInput() {
        assertBadInput(run("check", "no-such-model"), "unknown model 'no-such-model'");
        assertBadInput(run("show", "no-such-model"), "unknown model");
        assertBadInput(run("conform", "no-such-model"), "unknown model");
    }

    @Test
    void aModelWithoutBindingIsNotAConformanceModel() {
        assertBadInput(run("conform", "swapin-2009-prefix"), "no Java binding");
    }

    @Test
    void badOptionsAreBadInput() {
        assertBadInput(run("check", "--bogus"), "Unknown option");
        assertBadInput(run("check", "--workers", "many"), "--workers");
        assertBadInput(run("check", "--workers", "0"), "--workers");
        assertBadInput(run("frobnicate"), "frobnicate");
        assertBadInput(run("show"), "MODEL");
    }

    @Test
    void missingFilesAreBadInput(@TempDir Path dir) {
        assertBadInput(run("check", dir.resolve("Nope.tla").toString()), "no such spec file");
    }

    @Test
    void malformedConfigIsBadInputAndLeavesTheFilesAlone(@TempDir Path dir) throws IOException {
        String tla = "---- MODULE Ok ----\nVARIABLE x\nInit == x = 0\nNext == x' = x\n====\n";
        String cfg = "INIT Init\nNEXT Next\nFROBNICATE Everything\n";
        Files.writeString(dir.resolve("Ok.tla"), tla);
        Files.writeString(dir.resolve("Ok.cfg"), cfg);
        assertBadInput(run("check", dir.resolve("Ok.tla").toString()), "Ok");
        assertEquals(tla, Files.readString(dir.resolve("Ok.tla")));
        assertEquals(cfg, Files.readString(dir.resolve("Ok.cfg")));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "TLC left nothing beside the spec");
        }
    }

    @Test
    void unparsableSpecIsBadInput(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("Broken.tla"), "---- MODULE Broken ----\nVARIABLE x\nInit == x = \n====\n");
        Files.writeString(dir.resolve("Broken.cfg"), "INIT Init\nNEXT Init\n");
        assertBadInput(run("check", dir.resolve("Broken.tla").toString()), "Broken");
    }
}
